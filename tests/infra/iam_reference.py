"""AWS's Service Authorization Reference and the parliament IAM linter, without importing
parliament into the test process.

parliament (1.6.4) ships the reference as ``iam_definition.json`` and imports
``pkg_resources`` on import, which appends setuptools' vendored packages to ``sys.path``
(an older ``packaging`` among them) for the rest of the process, so
tests/test_lock.py would then see two versions installed. The reference is read from the
package's folder as plain JSON, and the linter runs in a child process.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

_LINT = """
import json, sys, warnings
warnings.simplefilter("ignore")
from parliament import analyze_policy_string
findings = analyze_policy_string(sys.stdin.read()).findings
json.dump([{"issue": f.issue, "severity": f.severity, "detail": f.detail} for f in findings],
          sys.stdout, default=str)
"""


@functools.cache
def iam_definition() -> list[dict]:
    """Every service's actions, resource types and ARN formats, as parliament ships them."""
    spec = importlib.util.find_spec("parliament")
    assert spec is not None and spec.submodule_search_locations, "parliament is not installed"
    folder = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((folder / "iam_definition.json").read_text())


@functools.cache
def privileges() -> dict[str, dict]:
    """``service:action`` (lower case) -> its entry in the reference."""
    return {
        f"{service['prefix']}:{p['privilege']}".lower(): p
        for service in iam_definition()
        for p in service["privileges"]
    }


def lint(policy_json: str) -> list[dict]:
    """parliament's findings for one policy document: issue, severity, detail."""
    done = subprocess.run(
        [sys.executable, "-c", _LINT],
        input=policy_json,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)
