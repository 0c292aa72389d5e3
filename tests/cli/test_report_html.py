"""`olistctl report html`: one offline file with the KPIs, five charts, quality and cost.

The page is checked twice: as text (nothing outside the file is referenced, every chart
is there with the named query's numbers) and in headless Chromium from Debian (no console
error, no request but the file itself, and each chart drawn: pixels of its colours inside
its box, of the size the layout gives it). Chromium is never downloaded: where Debian's
is not installed the browser test is skipped and says how to install it.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lake import frame

from olistctl.errors import ExitCode
from olistctl.report.charts import CHARTS, HEIGHT

CHART_IDS = [f"chart-{spec.query}" for spec in CHARTS]


@pytest.fixture(scope="module")
def report_page(tmp_path_factory, lake_stages) -> Path:
    """The report of the sample data's crawled workspace, written once per module."""
    import shutil

    from typer.testing import CliRunner

    from olistctl.cli.app import app

    root = tmp_path_factory.mktemp("report")
    shutil.copytree(lake_stages["crawled"], root / "olist-lake")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = CliRunner().invoke(app, ["report", "html", "--out", "report.html"])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr.startswith("Wrote report.html (") and "opens offline" in result.stderr
    return root / "report.html"


# -- the file as text ------------------------------------------------------------------------


def test_the_page_references_nothing_outside_itself(report_page):
    page = report_page.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="generator" content="olistctl">' in page
    # plotly.js is inlined, once, in the head (its code mentions map tile servers and its
    # home page as strings; the browser test shows nothing is requested).
    head, library, rest = page.partition("<script>/**\n* plotly.js")
    assert library and rest.count("* plotly.js v") == 0 and "<script src" not in page
    markup = head + rest.split("</script>", 1)[1]
    # The page itself loads nothing from anywhere: no src/href to a URL, no @import, no CDN.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup, re.IGNORECASE)
    assert "@import" not in markup and "cdn.plot.ly" not in markup
    for chart_id in CHART_IDS:
        assert page.count(f'id="{chart_id}"') == 1, chart_id


def test_the_kpis_and_charts_carry_the_queries_answers(report_page, sample_data):
    page = report_page.read_text(encoding="utf-8")
    orders = frame(sample_data, "olist_orders_dataset")
    assert f'<div class="value">{len(orders):,}</div><div class="label">orders</div>' in page
    # The monthly chart's orders trace holds the orders per purchase month, counted here.
    per_month = orders["order_purchase_timestamp"].dt.strftime("%Y-%m").value_counts().sort_index()
    figure = _figure(page, "chart-monthly_orders_gmv")
    trace = next(t for t in figure if t["name"] == "orders")
    assert trace["x"] == list(per_month.index)
    assert trace["y"] == [float(n) for n in per_month.values]


def _figure(page: str, chart_id: str) -> list[dict]:
    """The data plotly.newPlot draws into ``chart_id``, read back from the page."""
    found = re.search(rf'Plotly\.newPlot\(\s*"{chart_id}",\s*(\[.*?\]),\s*\{{', page, re.DOTALL)
    assert found, chart_id
    return json.loads(found.group(1))


def test_the_quality_verdict_and_the_cost_are_in_the_page(report_page):
    page = report_page.read_text(encoding="utf-8")
    assert 'Data quality <span class="verdict WARNINGS">WARNINGS</span>' in page
    assert "carrier-before-purchase" in page and "payment-mismatch" in page
    assert '<h2 id="cost">Cost</h2>' in page and "projected for the month" in page


# -- writing the file --------------------------------------------------------------------------


def test_an_existing_report_is_replaced_and_a_foreign_file_is_left_alone(cli, lake):
    lake("crawled")
    first = cli("report", "html", "--no-quality")
    assert first.exit_code == 0, first
    written = Path("report.html").read_bytes()
    again = cli("report", "html", "--no-quality")
    assert again.exit_code == 0, again  # its own file: replaced
    assert Path("report.html").read_bytes() != b"" and "Data quality" not in written.decode()

    Path("mine.html").write_text("<html>my notes</html>")
    refused = cli("report", "html", "--out", "mine.html")
    assert refused.exit_code == ExitCode.REFUSED, refused
    assert refused.stderr == (
        "Error: mine.html exists and olistctl did not write it, so it is left as it is:"
        " choose another --out, or move that file away.\n"
    )
    assert Path("mine.html").read_text() == "<html>my notes</html>"
    assert not [p.name for p in Path().glob(".mine.html.*")]  # no temporary file left


def test_an_empty_catalog_is_said_and_nothing_is_written(cli, lake):
    lake("transformed")
    result = cli("report", "html")
    assert result.exit_code == ExitCode.FAILED, result
    assert result.stderr == (
        "Error: The catalog holds no tables, so there is nothing to report:"
        " run `olistctl run` (or upload, transform and crawl) first.\n"
    )
    assert not Path("report.html").exists()


def test_without_plotly_the_error_names_the_extra(cli, lake, monkeypatch):
    lake("crawled")
    monkeypatch.setitem(sys.modules, "plotly", None)  # import plotly now fails
    monkeypatch.setitem(sys.modules, "plotly.io", None)
    result = cli("report", "html")
    assert result.exit_code == ExitCode.CONFIG, result
    assert result.stderr == (
        "Error: report html draws its charts with plotly, which is not installed:"
        " install the report extra: pip install 'olistctl[report]'.\n"
    )
    assert not Path("report.html").exists()


# -- in a browser ----------------------------------------------------------------------------

WIDTH, VIEW_HEIGHT = 1200, 900


@pytest.mark.slow
def test_the_page_opens_offline_in_chromium_and_draws_every_chart(report_page):
    from browser import chromium_path, open_page

    if chromium_path() is None:
        pytest.skip(
            "chromium is not installed: scripts/install-chromium.sh (apt-get install chromium)"
        )
    from PIL import Image

    with open_page(WIDTH, VIEW_HEIGHT) as page:
        page.send("Page.navigate", url=report_page.resolve().as_uri())
        page.wait_for("Page.loadEventFired")
        # Every chart has finished drawing (plotly's promise per div), then two frames.
        boxes = page.evaluate(
            """(async () => {
                const divs = [...document.querySelectorAll('.plotly-graph-div')];
                await Promise.all(divs.map(d => d._fullLayout ? Promise.resolve()
                    : new Promise(r => d.on('plotly_afterplot', r))));
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                return Object.fromEntries(divs.map(d => {
                    const b = d.getBoundingClientRect();
                    return [d.id, {x: b.left + scrollX, y: b.top + scrollY,
                                   width: b.width, height: b.height,
                                   svgs: d.querySelectorAll('svg.main-svg').length}];
                }));
            })()"""
        )
        errors = [
            *(e["entry"] for e in page.of("Log.entryAdded") if e["entry"]["level"] == "error"),
            *page.of("Runtime.exceptionThrown"),
            *(e for e in page.of("Runtime.consoleAPICalled") if e["type"] in ("error", "assert")),
        ]
        requests = [e["request"]["url"] for e in page.of("Network.requestWillBeSent")]
        shots = {chart_id: page.screenshot(boxes[chart_id]) for chart_id in CHART_IDS}

    assert errors == []
    page_url = report_page.resolve().as_uri()
    assert [u for u in requests if not (u == page_url or u.startswith("data:"))] == []
    assert sorted(boxes) == sorted(CHART_IDS)
    stats = {}
    for chart_id, box in boxes.items():
        # The size the layout gives it: the page's content width, the figure's height.
        assert box["height"] == HEIGHT, (chart_id, box)
        assert 900 <= box["width"] <= WIDTH, (chart_id, box)
        assert box["svgs"] >= 1, (chart_id, box)
        image = Image.open(io.BytesIO(shots[chart_id])).convert("RGB")
        assert image.size == (round(box["width"]), HEIGHT), chart_id
        rgb = np.asarray(image, dtype=np.int32)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        ink = int((np.minimum(np.minimum(r, g), b) < 200).sum())  # not white or near it
        data = int(((b > 150) & (b - r > 60)).sum())  # the traces' blues, not axes or text
        stats[chart_id] = (ink, data)
    # Drawn: axes, labels and the data's own colour, well beyond a blank or an empty frame
    # (the thinnest, the monthly line, draws about 3,000 blue pixels).
    for chart_id, (ink, data) in stats.items():
        assert ink > 10_000 and data > 1_500, (chart_id, stats)


def test_the_generator_mark_is_read_whatever_the_css_grows_to(cli, lake):
    from olistctl.report.html_report import HEAD_BYTES, is_ours

    lake("crawled")
    assert cli("report", "html", "--no-quality").exit_code == 0
    page = Path("report.html").read_bytes()
    assert is_ours(page[:HEAD_BYTES])
    assert page.index(b'<meta name="generator"') < page.index(b"<style>")


OLISTCTL = (sys.executable, "-m", "olistctl")


def test_a_fifo_or_a_link_as_out_is_refused_without_waiting(lake, tmp_path):
    ws = lake("crawled")
    os.mkfifo(tmp_path / "pipe.html")
    (tmp_path / "link.html").symlink_to(tmp_path / "pipe.html")
    for name in ("pipe.html", "link.html"):
        out = str(tmp_path / name)
        done = subprocess.run(  # a real process, with a bound: a FIFO opened to read blocks
            [*OLISTCTL, "-w", str(ws), "report", "html", "--no-quality", "--out", out],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == ExitCode.REFUSED, done
        assert done.stderr == (
            f"Error: {tmp_path / name} exists and olistctl did not write it, so it is left as it"
            " is: choose another --out, or move that file away.\n"
        )
    assert (tmp_path / "pipe.html").is_fifo() and (tmp_path / "link.html").is_symlink()
