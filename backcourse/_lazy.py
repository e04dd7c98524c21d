"""Lazy re-exports for the capability folders' ``__init__`` modules.

Why lazy: ``from backcourse.routine import build_plan`` must not import matplotlib or ipywidgets, so the plan
engine stays light (and standard-library only where it needs to be); each public name loads its module on
first use.
"""

from __future__ import annotations

from importlib import import_module


def lazy_exports(package: str, exports: dict[str, str]):
    """Return ``__getattr__``, ``__dir__`` and ``__all__`` for a package that re-exports ``name -> module``."""

    def __getattr__(name: str):
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        return value

    def __dir__():
        return sorted(exports)

    return __getattr__, __dir__, sorted(exports)
