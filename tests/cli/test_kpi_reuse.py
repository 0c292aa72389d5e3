"""`run` reuses a KPI answer only while nothing it depends on changed, and never a forged one.

The reference for every reused answer is the same query run again
(``run --no-reuse``); the KPI answers themselves are checked against pandas in
test_local_outputs.py.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from lake import WS

from olistctl import kpi_answers
from olistctl.backends.local.engine import LocalEngine
from olistctl.sql.named import list_queries

KPIS = sorted(q.name for q in list_queries() if q.kpi)


def _run(cli, *args: str) -> dict:
    result = cli("run", *args, "-o", "json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def _query_lines(tmp_path) -> int:
    ledger = tmp_path / WS / "ledger.jsonl"
    return sum(json.loads(line)["stage"] == "query" for line in ledger.read_text().splitlines())


def _ledger(tmp_path) -> list[dict]:
    ledger = tmp_path / WS / "ledger.jsonl"
    return [json.loads(line) for line in ledger.read_text().splitlines()]


@pytest.fixture
def no_engine(monkeypatch):
    """Fails the test if a query reaches DuckDB."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("a query ran")

    return lambda: monkeypatch.setattr(LocalEngine, "execute", refuse)


def test_a_rerun_over_unchanged_data_reuses_the_answers_without_running_a_query(
    cli, sample_data, tmp_path, no_engine, monkeypatch
):
    first = _run(cli, str(sample_data))
    assert sorted(first["kpis"]) == KPIS and first["reused_kpis"] == {}
    ran = [e for e in _ledger(tmp_path) if e["stage"] == "query"]
    no_engine()
    second = _run(cli, str(sample_data))
    assert second["kpis"] == first["kpis"]
    assert sorted(second["reused_kpis"]) == KPIS
    # Nothing ran, but the ledger (priced as Athena would bill: on aws, run asks Athena
    # every time, as olistctl never turns on Athena's own result reuse) gets a line per
    # reused answer with the scan of the query that answered it.
    reused = _ledger(tmp_path)[len(_ledger(tmp_path)) - len(KPIS) :]
    assert [e["detail"] for e in reused] == ["reused"] * len(KPIS)
    assert sorted(e["bytes_scanned"] for e in reused) == sorted(e["bytes_scanned"] for e in ran)
    assert all(e["bytes_scanned"] > 0 and e["requests"] == 1 for e in reused)
    monkeypatch.setenv("COLUMNS", "80")
    table = cli("run", str(sample_data))
    lines = (table.stdout + table.stderr).splitlines()
    (line,) = [row for row in lines if "│ query" in row]
    assert "3 KPIs reused (data unchanged since " in line and ")" in line, line
    assert max(len(row) for row in lines) <= 80  # one line each: nothing wraps or is cut


def test_the_reused_answers_are_the_ones_running_the_queries_again_gives(
    cli, sample_data, tmp_path
):
    _run(cli, str(sample_data))
    reused = _run(cli, str(sample_data))
    assert sorted(reused["reused_kpis"]) == KPIS
    lines = _query_lines(tmp_path)
    fresh = _run(cli, str(sample_data), "--no-reuse")
    assert fresh["reused_kpis"] == {} and _query_lines(tmp_path) == lines + len(KPIS)
    assert all(e.get("detail") != "reused" for e in _ledger(tmp_path)[-len(KPIS) :])
    assert fresh["kpis"] == reused["kpis"]
    forced = _run(cli, str(sample_data), "--force")
    assert forced["reused_kpis"] == {} and forced["kpis"] == reused["kpis"]


def test_changed_data_is_queried_again_and_gives_the_new_answer(cli, sample_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_data, data)
    before = _run(cli, str(data))
    # One order fewer: the KPIs over orders move.
    orders = data / "olist_orders_dataset.csv"
    lines = orders.read_text(encoding="utf-8").splitlines(keepends=True)
    orders.write_text("".join(lines[:-1]), encoding="utf-8")
    after = _run(cli, str(data))
    assert after["reused_kpis"] == {}
    assert after["kpis"] != before["kpis"]
    assert _run(cli, str(data), "--no-reuse")["kpis"] == after["kpis"]


def test_a_parquet_file_rewritten_in_place_is_seen(cli, sample_data, tmp_path):
    _run(cli, str(sample_data))
    # Same bytes, written again: a new identity, so the answer is not taken on trust.
    parquet = next((tmp_path / WS / "processed" / "olist_orders_dataset").glob("*.parquet"))
    content = parquet.read_bytes()
    parquet.write_bytes(content)
    again = _run(cli, str(sample_data))
    assert again["reused_kpis"] == {}


def _answers_file(tmp_path):
    return tmp_path / WS / kpi_answers.NAME


def _one_number_changed(content: dict) -> tuple[dict, str]:
    """The kept answers with one value of order_status_mix's first row changed."""
    for entry in content["entries"].values():
        if entry["columns"][:2] == ["order_status", "orders"]:
            entry["rows"][0][1] += 1000
            return content, entry["rows"][0][0]
    raise AssertionError("order_status_mix not kept")


@pytest.mark.parametrize("signed", [False, True])
def test_a_forged_answer_is_never_shown_unless_signed_with_the_users_secret(
    cli, sample_data, tmp_path, signed
):
    first = _run(cli, str(sample_data))
    path = _answers_file(tmp_path)
    content, status = _one_number_changed(json.loads(path.read_text()))
    if signed:  # the control: the same edit, signed with the user's secret, is believed
        from olistctl.user_secret import signed_document, user_secret

        secret = user_secret()
        assert secret is not None
        entries = content["entries"]
        path.write_bytes(signed_document(secret, kpi_answers.FORMAT, "entries", entries))
    else:
        path.write_text(json.dumps(content))
    shown = _run(cli, str(sample_data))
    orders = {r["order_status"]: r["orders"] for r in shown["kpis"]["order_status_mix"]}
    truth = {r["order_status"]: r["orders"] for r in first["kpis"]["order_status_mix"]}
    if signed:
        assert orders[status] == truth[status] + 1000
    else:
        assert orders == truth and shown["reused_kpis"] == {}


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_a_link_or_fifo_in_place_of_the_answers_is_neither_read_nor_written_through(
    cli, sample_data, tmp_path, kind
):
    _run(cli, str(sample_data))
    path = _answers_file(tmp_path)
    path.unlink()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("mine")
    if kind == "link":
        path.symlink_to(elsewhere)
    else:
        os.mkfifo(path)
    again = cli("run", str(sample_data), "-o", "json")
    # Refused as a file of the user's in olistctl's way, or left alone: never followed.
    assert elsewhere.read_text() == "mine"
    assert path.is_symlink() if kind == "link" else path.is_fifo()
    assert again.exit_code == 0, again
    assert json.loads(again.stdout)["reused_kpis"] == {}


def test_without_the_users_secret_nothing_is_reused_or_kept(
    cli, sample_data, tmp_path, monkeypatch
):
    from olistctl import user_secret

    monkeypatch.setattr(user_secret, "user_secret", lambda: None)
    _run(cli, str(sample_data))
    assert not _answers_file(tmp_path).exists()
    assert _run(cli, str(sample_data))["reused_kpis"] == {}


def test_an_engine_that_cannot_say_its_data_version_never_reuses(
    cli, sample_data, tmp_path, monkeypatch
):
    # The protocol's default, which the Athena engine keeps.
    monkeypatch.setattr(LocalEngine, "data_version", lambda self: None)
    _run(cli, str(sample_data))
    assert _run(cli, str(sample_data))["reused_kpis"] == {}
    assert not _answers_file(tmp_path).exists()


def test_a_data_version_the_engine_refuses_leaves_the_queries_to_say_why(
    cli, sample_data, tmp_path
):
    _run(cli, str(sample_data))
    folder = tmp_path / WS / "processed" / "olist_orders_dataset"
    (parquet,) = folder.glob("*.parquet")
    outside = tmp_path / "outside.parquet"
    shutil.copy(parquet, outside)
    (folder / "extra.parquet").symlink_to(outside)
    result = cli("run", str(sample_data), "-o", "json")
    # As before reuse existed: the KPIs over orders fail with the engine's sentence, exit 1.
    assert result.exit_code == 1, result
    failed = json.loads(result.stdout)["failed_kpis"]
    assert failed and all("links to a file outside" in why for why in failed.values())
    assert "Traceback" not in result.stderr


def test_a_change_behind_a_link_inside_a_tables_folder_is_seen(cli, sample_data, tmp_path):
    _run(cli, str(sample_data))
    folder = tmp_path / WS / "processed" / "olist_orders_dataset"
    (parquet,) = folder.glob("*.parquet")
    target = folder / "orders.data"  # not a .parquet name: listed only through the link
    parquet.rename(target)
    parquet.symlink_to(target.name)
    first = _run(cli, str(sample_data), "--no-reuse")
    assert _run(cli, str(sample_data))["reused_kpis"]  # the same data: reused
    target.write_bytes(target.read_bytes())  # the file DuckDB reads changes; the link does not
    again = _run(cli, str(sample_data))
    assert again["reused_kpis"] == {} and again["kpis"] == first["kpis"]


def test_an_answer_over_data_that_changed_while_it_ran_is_not_reused_once_it_changes_back(
    cli, sample_data, tmp_path, monkeypatch
):
    # Another process copies a file into a table's folder after run took the data's
    # version but before its queries read the data, and removes it after the run: the
    # answers over the doubled orders must not be kept under the version of the single ones.
    from olistctl import pipeline

    _run(cli, str(sample_data))
    folder = tmp_path / WS / "processed" / "olist_orders_dataset"
    (parquet,) = folder.glob("*.parquet")
    extra = folder / "extra.parquet"
    real_query = pipeline.query

    def copy_in_first(*args, **kwargs):
        if not extra.exists():
            shutil.copy(parquet, extra)
        return real_query(*args, **kwargs)

    monkeypatch.setattr(pipeline, "query", copy_in_first)
    doubled = _run(cli, str(sample_data), "--no-reuse")
    monkeypatch.setattr(pipeline, "query", real_query)
    extra.unlink()
    shown = _run(cli, str(sample_data))
    truth = _run(cli, str(sample_data), "--no-reuse")
    assert doubled["kpis"] != truth["kpis"]  # the copy did change the answers
    assert shown["kpis"] == truth["kpis"], shown["reused_kpis"]


def test_answers_of_a_run_during_which_olistctls_code_changed_are_not_kept(
    cli, sample_data, tmp_path, monkeypatch
):
    # An edit while a long run converts: its queries ran on the code it had loaded, so
    # their answers must not be kept under the code now on disk (which the next run has).
    from olistctl import pipeline

    real_identity = kpi_answers.code_identity
    edited = [False]
    monkeypatch.setattr(
        kpi_answers,
        "code_identity",
        lambda: [*real_identity(), ["edited.py", 1, 2]] if edited[0] else real_identity(),
    )
    real_transform = pipeline.transform

    def edit_while_converting(*args, **kwargs):
        edited[0] = True
        return real_transform(*args, **kwargs)

    monkeypatch.setattr(pipeline, "transform", edit_while_converting)
    _run(cli, str(sample_data))
    assert not _answers_file(tmp_path).exists()
    monkeypatch.setattr(pipeline, "transform", real_transform)
    assert _run(cli, str(sample_data))["reused_kpis"] == {}  # the edited code answers anew
    assert sorted(_run(cli, str(sample_data))["reused_kpis"]) == KPIS


def test_a_data_version_that_cannot_be_read_means_the_queries_run(
    cli, sample_data, tmp_path, monkeypatch
):
    first = _run(cli, str(sample_data))

    def unreadable(self):
        raise PermissionError(13, "Permission denied", "processed/olist_orders_dataset")

    monkeypatch.setattr(LocalEngine, "data_version", unreadable)
    again = _run(cli, str(sample_data))  # exit 0: the queries ran and answered
    assert again["reused_kpis"] == {} and again["kpis"] == first["kpis"]


def test_a_reused_answer_the_ledger_cannot_record_is_said_as_for_a_query_that_ran(
    cli, sample_data, tmp_path, monkeypatch
):
    from olistctl.backends.local.ledger import LocalLedger

    first = _run(cli, str(sample_data))

    def full(self, entries):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LocalLedger, "append", full)
    result = cli("run", str(sample_data), "-o", "json")
    assert result.exit_code == 0, result
    again = json.loads(result.stdout)
    assert sorted(again["reused_kpis"]) == KPIS and again["kpis"] == first["kpis"]
    for name in KPIS:
        assert (
            f"{name}: The query was not recorded in the run ledger (No space left on device);"
            " `report cost` will not count it." in " ".join(result.stderr.split())
        )
