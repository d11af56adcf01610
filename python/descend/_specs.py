"""The core's one export of its kernels (``_core.specs()``), read once and looked up by name.

Each spec is a dict: ``family`` ("loss", "activation", "optimizer"), ``name``, ``bound``,
``params`` (a list of (name, default, domain, choices)), and its family's facts (a loss's
``kind``, ``third``, ``targets``…; an optimizer's ``state``, ``carried``, ``counts_steps``).
"""

from __future__ import annotations

from typing import Any

from descend import _core

Spec = dict[str, Any]

SPECS: dict[str, Spec] = {spec["name"]: spec for spec in _core.specs()}


def family(name: str) -> list[Spec]:
    """Return the specs of one family, in registry order."""
    return [spec for spec in SPECS.values() if spec["family"] == name]
