"""olistctl: the Olist e-commerce analytics pipeline, on AWS or on a laptop.

``olistctl.connect()`` opens the lake for notebooks and scripts (``olistctl.api``).
Importing this package loads nothing else: the CLI's start-up depends on it.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Not typing.TYPE_CHECKING: importing typing alone costs `import olistctl` ~20 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# Returns an olistctl.api.Lake, typed as Any: every module imports this package, so
# it may not name the API's types (an import cycle, even for the type checker alone);
# `from olistctl.api import connect` is the same function, typed.
def connect(*, config: str | None = None, **settings: str | None) -> Any:
    """The lake the settings name, an :class:`olistctl.api.Lake` (see
    :func:`olistctl.api.connect`)."""
    import importlib

    # By name, not an import statement: the Lambda's zip ships this package's import
    # closure (infra/build_lambda.py follows import statements), and the notebook API,
    # which reaches pandas, has no place in it.
    api = importlib.import_module("olistctl.api")
    return api.connect(config=config, **settings)


__all__ = ["__version__", "connect"]
