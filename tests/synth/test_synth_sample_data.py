"""The committed sample_data/ is exactly what the generator makes, and its README says so."""

from __future__ import annotations

import re

from olistctl.dataset import TABLES
from olistctl.synth import SAMPLE_ORDERS, SAMPLE_SEED, generate


def test_sample_data_is_reproduced_byte_for_byte(sample_data, tmp_path):
    result = generate(tmp_path, orders=SAMPLE_ORDERS, seed=SAMPLE_SEED)
    committed = sorted(p.name for p in sample_data.glob("*.csv"))
    assert committed == sorted(t.file_name for t in TABLES)
    for table in TABLES:
        fresh = result.files[table.name].read_bytes()
        assert (sample_data / table.file_name).read_bytes() == fresh, (
            f"sample_data/{table.file_name} drifted from the generator: regenerate it with "
            f"olistctl sample --orders {SAMPLE_ORDERS} --seed {SAMPLE_SEED} --out sample_data"
        )


def test_readme_states_the_command_and_the_row_counts(sample_data, tmp_path):
    readme = (sample_data / "README.md").read_text("utf-8")
    assert f"olistctl sample --orders {SAMPLE_ORDERS} --seed {SAMPLE_SEED} --out sample_data" in (
        readme
    )
    assert "synthetic" in readme and "CC BY-NC-SA" in readme
    listed = {
        name: (int(rows.replace(",", "")), int(size.replace(",", "")))
        for name, rows, size in re.findall(r"\| `([\w.]+\.csv)` \| ([\d,]+) \| ([\d,]+) \|", readme)
    }
    result = generate(tmp_path, orders=SAMPLE_ORDERS, seed=SAMPLE_SEED)
    assert listed == {t.file_name: (result.rows[t.name], result.bytes[t.name]) for t in TABLES}
