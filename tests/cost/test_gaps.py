"""What the other cost tests leave open: `olistctl query` on the local backend prices its bytes
with the region's row of the pricing table (not a constant), and every price marked confirmed
outside us-east-1 says where it was confirmed. (The aws side of the per-query line is
tests/aws/test_cli_aws.py::test_the_stats_line_prices_athenas_bytes_with_the_regions_table.)"""

from __future__ import annotations

import pytest

from olistctl import pricing
from olistctl.sql.named import get_query, list_queries

MIB, TIB = 2**20, 2**40


def shown(dollars: float) -> str:
    """How the CLI prints an amount: six decimals under a cent."""
    return f"${dollars:,.2f}" if dollars >= 0.01 else f"${dollars:.6f}"


def scanned_bytes(workspace, query) -> int:
    """The local engine's scan estimate for a named query run as it is (the line prices this)."""
    from olistctl.backends.local import open_local_backend
    from olistctl.settings import load_settings

    backend = open_local_backend(load_settings({"workspace": str(workspace)}, env={}))
    try:
        return backend.engine.execute(query.sql, params=query.bind()).bytes_scanned
    finally:
        backend.close()


def patch_athena_price(monkeypatch, per_tb: float) -> None:
    real = pricing.region_prices

    def region_prices(region: str) -> pricing.RegionPrices:
        prices = dict(real(region).prices)
        key = "athena.usd_per_tb_scanned"
        prices[key] = pricing.Price(**{**prices[key].__dict__, "value": per_tb})
        return pricing.RegionPrices(region, real(region).name, prices)

    monkeypatch.setattr(pricing, "region_prices", region_prices)


@pytest.mark.parametrize(
    ("region", "per_tb"),
    [("us-east-1", None), ("af-south-1", None), ("eu-west-1", 123_456.0)],
    ids=["us-east-1", "af-south-1", "patched-price"],
)
def test_the_local_query_line_prices_the_estimate_with_the_regions_table(
    cli, workspace_copy, monkeypatch, region, per_tb
):
    name = sorted(q.name for q in list_queries())[0]
    scanned = scanned_bytes(workspace_copy, get_query(name))
    if per_tb is not None:
        patch_athena_price(monkeypatch, per_tb)
    else:
        per_tb = pricing.price_table()["regions"][region]["athena"]["usd_per_tb_scanned"]["value"]

    result = cli("--workspace", workspace_copy, "--region", region, "query", "--name", name)

    assert result.exit_code == 0, result
    billed = max(10, -(-scanned // MIB)) * MIB  # whole MB, at least 10 per query
    line = result.stderr.splitlines()[-1]
    assert f"(billed {billed / 1e6:.1f} MB) · {shown(billed / TIB * per_tb)} in {region}" in line


@pytest.mark.parametrize("region", ["eu-west-1", "af-south-1"])
def test_every_confirmed_price_outside_us_east_1_names_its_confirmation(region):
    """A figure may be marked verified only with a source found for that region."""
    table = pricing.price_table()
    evidence = {k: v["evidence"] for k, v in table["sources"].items()}
    region_independent = {"glue.crawler_min_minutes_per_run", "athena.min_mb_per_query"}
    for price in pricing.region_prices(region).prices.values():
        if not price.verified or price.key in region_independent:
            continue
        entry = table["regions"][region][price.key.split(".")[0]][price.key.split(".")[1]]
        named_in_source = region in evidence[entry["source"]]
        assert price.note.startswith("Confirmed: ") or named_in_source, price.key
