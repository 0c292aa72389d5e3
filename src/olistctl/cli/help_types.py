"""What `--help` writes after an option: a word for the value it takes, not a Python type.

typer 0.29 writes each parameter's type in angle brackets (``--force <bool>``,
``--help <bool>``, ``paths... <list[str]>``, ``--output <table|csv|json|...>``,
folded mid-word when the column is narrow). A flag takes no value, so it gets
nothing; an argument's name already says what it takes; an option gets its
``metavar`` when it has one (``--max-rows N``), its choices when they are few
and short (``[error|warn|never]``), and otherwise its name in capitals
(``--region REGION``), the way argparse and click write them.

:func:`install` changes how typer's parameter classes describe themselves in
help and nothing else (parsing is untouched). A typer without these classes is
left as it is; ``tests/cli/test_query_chart.py`` fails if the brackets come back.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

_SHORT_CHOICES = 24  # longer lists go into the option's help text, not its value column


def value_word(param: Any, ctx: Any) -> str | None:
    """The word shown for the value ``param`` (a typer 0.29 parameter) takes: None for a
    flag or an argument."""
    if param.param_type_name == "argument":
        return None  # its name (or metavar) is already written in the first column
    if param.metavar is not None:
        return param.metavar or None
    if param.is_flag:
        return None
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        choices = "|".join(
            str(c.value if isinstance(c, Enum) else c) for c in descriptor.choices or ()
        )
        if choices and len(choices) <= _SHORT_CHOICES:
            return f"[{choices}]"
    name = (param.name or "value").upper()
    return name + ("..." if param.multiple else "")


def _display_type_rich(self: Any, ctx: Any) -> str | None:
    return value_word(self, ctx)


def install() -> bool:
    """Make typer's help use :func:`value_word`; False (nothing changed) on another typer.

    ``pyproject.toml`` pins typer below 0.30 (for ``plain_params`` too): value_word reads
    the attributes 0.29's parameters have.
    """
    from typer import core

    if not (hasattr(core, "TyperOption") and hasattr(core, "TyperArgument")):
        return False
    classes: list[Any] = [core.TyperOption, core.TyperArgument]
    if not all(hasattr(cls, "display_type_rich") for cls in classes):
        return False
    for cls in classes:
        cls.display_type_rich = _display_type_rich  # the same function: installing twice is a no-op
    return True
