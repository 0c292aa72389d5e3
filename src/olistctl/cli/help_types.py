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
left as it is; ``tests/cli/test_help.py`` fails if the brackets come back.
"""

from __future__ import annotations

from typing import Any

_SHORT_CHOICES = 24  # longer lists go into the option's help text, not its value column


def value_word(param: Any, ctx: Any) -> str | None:
    """The word shown for the value ``param`` takes (None for a flag or an argument)."""
    if getattr(param, "param_type_name", "") == "argument":
        return None  # its name (or metavar) is already written in the first column
    if param.metavar is not None:
        return param.metavar or None
    if getattr(param, "is_flag", False):
        return None
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and getattr(descriptor, "is_choice", False):
        choices = "|".join(str(getattr(c, "value", c)) for c in descriptor.choices or ())
        if choices and len(choices) <= _SHORT_CHOICES:
            return f"[{choices}]"
    name = (param.name or "value").upper()
    return name + ("..." if getattr(param, "multiple", False) else "")


def install() -> bool:
    """Make typer's help use :func:`value_word`; False (nothing changed) on another typer."""
    try:
        from typer import core
    except ImportError:  # pragma: no cover - typer is a dependency
        return False
    classes = [getattr(core, n, None) for n in ("TyperOption", "TyperArgument")]
    if not all(c is not None and hasattr(c, "display_type_rich") for c in classes):
        return False
    for cls in classes:
        if getattr(cls.display_type_rich, "olistctl", False):
            continue

        def display_type_rich(self, ctx):
            return value_word(self, ctx)

        display_type_rich.olistctl = True  # type: ignore[attr-defined]
        cls.display_type_rich = display_type_rich
    return True
