"""bench/ab.py: variants parsed as written, run in turns, each with its own environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import ab  # noqa: E402


def test_a_variant_is_a_label_settings_and_a_command():
    label, env, cmd = ab.parse_variant("slow=A=1 B='two words' :: python -c 'print(1)'")
    assert label == "slow"
    assert (env["A"], env["B"]) == ("1", "two words")
    assert Path(cmd[0]).is_absolute() and cmd[1:] == ["-c", "print(1)"]


@pytest.mark.parametrize("bad", ["no separator", "x=A=1", "=:: python", "x=:: "])
def test_a_malformed_variant_is_refused(bad):
    with pytest.raises(SystemExit, match="LABEL="):
        ab.parse_variant(bad)


def test_variants_run_with_their_own_environment(tmp_path, capsys):
    marks = tmp_path / "marks"
    script = f"import os; open({str(marks)!r}, 'a').write(os.environ['WHO'] + ' ')"
    code = ab.main(
        [
            "--reps",
            "2",
            f'a=WHO=first :: {sys.executable} -c "{script}"',
            f'b=WHO=second :: {sys.executable} -c "{script}"',
        ]
    )
    assert code == 0
    # Turns rotate: a b, then b a.
    assert marks.read_text().split() == ["first", "second", "second", "first"]
    out = capsys.readouterr().out
    assert "| a " in out and "| b " in out and "1.00×" in out
