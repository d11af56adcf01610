"""Callable objects that present themselves as the function they were declared from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def present_as(obj: Any, declaration: Callable[..., Any]) -> None:
    """Give ``obj`` the declaration's name, docstring and ``__wrapped__``, as update_wrapper does.

    ``update_wrapper`` also merges ``declaration.__dict__`` into ``obj.__dict__``; reading an
    instance's ``__dict__`` turns its attributes into a plain dict, and every attribute read
    on the call path then took 25 ns instead of 5 (CPython 3.11): a fifth of a small loss call.
    """
    for name in ("__module__", "__name__", "__qualname__", "__doc__", "__annotations__"):
        if hasattr(declaration, name):
            setattr(obj, name, getattr(declaration, name))
    obj.__wrapped__ = declaration
