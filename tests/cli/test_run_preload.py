"""``olistctl run`` loads what its later stages need while the upload waits on the disk.

Which thread first imports a module is the thing under test, so each run is a fresh
``olistctl`` process, started as the console script is, with an import hook that notes
the thread that imported DuckDB and the transform core.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# The console script's entry, with a finder that records (and does not change) imports.
_RUN = """
import json, sys, threading
WATCHED = {"duckdb", "olistctl.transform.convert"}
seen = {}
class Watch:
    # Asked for a spec by a lookup too (importlib.util.find_spec): noted when it runs.
    def find_spec(self, name, path=None, target=None):
        if name not in WATCHED:
            return None
        for finder in sys.meta_path:
            found = finder.find_spec(name, path, target) if finder is not self else None
            if found is not None:
                break
        else:
            return None
        run = found.loader.exec_module
        def exec_module(module):
            seen.setdefault(name, threading.current_thread().name)
            run(module)
        found.loader.exec_module = exec_module
        return found
sys.meta_path.insert(0, Watch())
sys.argv = ["olistctl", *sys.argv[1:]]
from olistctl.cli.entry import main
try:
    main()
except SystemExit as stop:
    code = stop.code
else:
    code = 0
sys.stderr.write("IMPORTED " + json.dumps({"code": code, "seen": seen}) + "\\n")
"""


def _run(workspace, data) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _RUN,
            "--workspace",
            str(workspace),
            "--no-progress",
            "run",
            str(data),
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "OLISTCTL_BACKEND": "local"},
        check=True,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("IMPORTED "))
    report = json.loads(line.removeprefix("IMPORTED "))
    report["stages"] = {s["stage"]: s for s in json.loads(done.stdout)["stages"]}
    return report


def test_a_first_run_imports_the_transform_core_and_duckdb_while_it_uploads(tmp_path, sample_data):
    report = _run(tmp_path / "lake", sample_data)
    assert report["code"] == 0
    assert report["stages"]["upload"]["result"].startswith("9 uploaded")
    assert report["seen"] == {
        "olistctl.transform.convert": "olistctl-preload",
        "duckdb": "olistctl-preload",
    }


def test_a_run_with_nothing_to_do_imports_neither(tmp_path, sample_data):
    _run(tmp_path / "lake", sample_data)
    again = _run(tmp_path / "lake", sample_data)
    assert again["code"] == 0
    assert again["stages"]["upload"]["result"].startswith("0 uploaded")
    assert again["stages"]["query"]["result"].startswith("3 KPIs reused")
    assert again["seen"] == {}
