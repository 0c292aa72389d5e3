"""Typer's conversion of command-line values, without pydantic for the plain types olistctl uses.

typer 0.29 converts every parameter's value through a pydantic ``TypeAdapter``
it builds on first use, even for a ``str`` option left unset, so the first
command of a process imports pydantic and builds an adapter per parameter:
~0.1 s of an ``olistctl query`` process (bench/analysis.md). :func:`install`
gives typer's parameters a conversion that

- builds nothing for a value that is None (typer returns None unchanged then);
- converts a ``str``, an Enum choice, a plain decimal ``int`` and a
  ``pathlib.Path`` (and lists of them) with typer's own helpers, to what
  typer's adapter returns (``tests/cli/test_plain_params.py`` compares them);
- hands anything else, and any value the fast path has a doubt about, to
  typer's adapter, so every error message is typer's own.

A typer without these internals (another release) is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer import core as _core
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import (
        coerce_cli_choice,
        coerce_cli_path,
        lenient_issubclass,
        routes_to_path,
    )
    from typer._typing import is_number_type
except ImportError:  # a typer without the adapter layer: nothing to do
    _core = None  # type: ignore[assignment]  # a module, or None on a typer without it

# A decimal integer as typed, short enough for any int type (longer ones go to typer).
_INTEGER = re.compile(r"-?[0-9]{1,18}")


class NotPlain(Exception):
    """The fast path leaves this value to typer."""


def plain_value(annotation: Any, parameter_info: Any, value: Any, *, ctx=None, param=None) -> Any:
    """``value`` converted as typer's adapter for ``annotation`` would; NotPlain when unsure."""
    if parameter_info.parser is not None:
        raise NotPlain
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        items = value if isinstance(value, list | tuple) else [value]
        return [plain_value(item, parameter_info, v, ctx=ctx, param=param) for v in items]
    if get_origin(annotation) is not None:  # tuples, Literal
        raise NotPlain
    # In the order of typer's build_leaf_adapter.
    if lenient_issubclass(annotation, Enum):
        try:
            return coerce_cli_choice(
                value,
                choices=list(annotation),
                case_sensitive=parameter_info.case_sensitive,
                ctx=ctx,
            )
        except ValueError:
            raise NotPlain from None
    if is_number_type(annotation):
        return _integer(annotation, parameter_info, value)
    if annotation is str and isinstance(value, str):
        return value
    if annotation not in (str, bool) and routes_to_path(annotation, parameter_info):
        return _path(annotation, parameter_info, value, ctx=ctx, param=param)
    raise NotPlain


def _integer(annotation: Any, parameter_info: Any, value: Any) -> int:
    if annotation is not int or parameter_info.clamp:
        raise NotPlain
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value):
        number = int(value)
    else:
        raise NotPlain
    low, high = parameter_info.min, parameter_info.max
    if (low is not None and number < low) or (high is not None and number > high):
        raise NotPlain  # typer words the range error
    return number


def _path(annotation: Any, parameter_info: Any, value: Any, *, ctx, param) -> Any:
    path_type = parameter_info.path_type
    if path_type is None and lenient_issubclass(annotation, Path):
        path_type = annotation
    if path_type is Path and isinstance(value, str) and value:
        value = Path(value)  # what typer's pydantic Path adapter makes of a string
    elif not (path_type in (None, str, bytes) or isinstance(value, path_type)):
        raise NotPlain
    try:
        return coerce_cli_path(value, parameter_info, path_type=path_type, param=param, ctx=ctx)
    except Exception:  # exists=True and the like: typer words the error
        raise NotPlain from None


if _core is not None:

    @dataclass(frozen=True)
    class PlainFirst(RuntimeParam):
        """Converts with :func:`plain_value`, or with typer's own conversion, built on demand."""

        descriptor: TypeDescriptor = field(repr=False)
        _typer: list = field(default_factory=list, compare=False, repr=False)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return plain_value(
                    self.annotation, self.parameter_info, value, ctx=ctx, param=param
                )
            except NotPlain:
                pass
            return self.typer_param()._coerce_value(value, param=param, ctx=ctx)

        def typer_param(self) -> RuntimeParam:
            if not self._typer:
                self._typer.append(build_runtime_param(self.descriptor))
            return self._typer[0]


def runtime_param(descriptor: Any) -> Any:
    """What typer's parameter converts its values with: the fast path unless it opens files."""
    if descriptor.file_annotation is not None:
        return build_runtime_param(descriptor)
    return PlainFirst(
        parameter_info=descriptor.parameter_info,
        annotation=descriptor.annotation,
        descriptor=descriptor,
    )


def install() -> bool:
    """Put the fast path in typer's parameters; False (and nothing changed) on another typer."""
    parameter = getattr(_core, "_TyperParameter", None)
    if parameter is None or not hasattr(parameter, "get_runtime_param"):
        return False
    if getattr(parameter.get_runtime_param, "olistctl_plain", False):
        return True

    def get_runtime_param(self):
        if self._runtime_param is None:
            self._runtime_param = runtime_param(self.type_descriptor)
        return self._runtime_param

    get_runtime_param.olistctl_plain = True  # type: ignore[attr-defined]
    parameter.get_runtime_param = get_runtime_param
    return True
