"""``rich.markdown`` and ``rich.traceback``, imported when first used rather than by typer's help.

typer 0.29's ``typer.rich_utils`` (every ``--help``) imports
``rich.markdown.Markdown`` (which imports markdown-it) and
``rich.traceback.Traceback`` (which imports ``rich.pretty``) at its top, ~35-50
ms of a ~0.2 s ``olistctl --help`` (bench/analysis.md). olistctl's help uses
rich markup, never Markdown, and typer's pretty tracebacks are off, so neither
is needed. :func:`install` puts a stand-in for each module in ``sys.modules``
(only if it is not imported yet): its class is a stand-in whose every use (a
call, an attribute, an ``isinstance``) imports the real module, puts it in
``sys.modules`` and answers from the real class, and any other name asked of the
module does the same. Nothing changes for code that does use them; it pays the
import when it does.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

# module -> the class typer takes from it
DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


def _real(module_name: str) -> types.ModuleType:
    current = sys.modules.get(module_name)
    if isinstance(current, _StandIn):
        del sys.modules[module_name]
        real = importlib.import_module(module_name)
        # Later ``from rich.markdown import X`` and ``rich.markdown.X`` reach the real one.
        parent, _, child = module_name.rpartition(".")
        setattr(sys.modules[parent], child, real)
        return real
    return current if current is not None else importlib.import_module(module_name)


class _StandIn(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real(self.__name__), name)


class _DeferredClass(type):
    """The metaclass of a stand-in class: every use goes to the real class."""

    _module: str
    _name: str

    def _target(cls) -> type:
        target: type = getattr(_real(cls._module), cls._name)
        return target

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._target()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(cls._target(), name)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls._target())

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls._target())


def install() -> None:
    """Stand-ins for the modules of :data:`DEFERRED` that nothing has imported yet."""
    for module_name, class_name in DEFERRED.items():
        if module_name in sys.modules:
            continue
        parent, _, child = module_name.rpartition(".")
        module = _StandIn(module_name)
        stand_in = _DeferredClass(class_name, (), {"_module": module_name, "_name": class_name})
        setattr(module, class_name, stand_in)
        sys.modules[module_name] = module
        # ``import rich.markdown`` then ``rich.markdown.X`` finds it on the package.
        setattr(importlib.import_module(parent), child, module)
