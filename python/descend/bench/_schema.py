"""The JSON report's schema, as TypedDicts, and a validator that reads them (no dependency).

``validate(document)`` checks a loaded report against :class:`Report` field by field: types
``str``, ``int``, ``float`` (an int is accepted), ``bool``, ``None`` in unions, ``list[T]``,
``dict[str, T]`` and nested TypedDicts, every key present and no other. It returns the list of
problems, empty for a valid report.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypedDict, Union


class Machine(TypedDict):
    """Where the report was measured."""

    cpu: str
    cores: int
    python: str
    numpy: str
    descend: str
    build: str  # the compiler and commit descend's extension was built from
    simd: str
    threads_default: int
    threads_source: str
    peers: dict[str, str]  # peer: version
    date: str


class Stream(TypedDict):
    """A STREAM-style triad (a = b + s·c, float64) run alone, per thread count."""

    n: int
    threads: int
    best_gbps: float
    median_gbps: float


class ProbeResult(TypedDict):
    """The roofline probe timed interleaved with a kernel's implementations."""

    name: str
    exact: bool
    median_s: float
    gbps: float


class ImplResult(TypedDict):
    """One implementation's timing and correctness on one row."""

    median_s: float
    min_s: float
    max_s: float
    repeats: int
    inner: int
    gbps: float  # the kernel's counted bytes per second
    pct_roofline: float  # gbps as a % of the probe's
    ns_per_element: float
    rel_error: float | None  # against descend.reference; None where not comparable
    fresh: bool  # allocates its output (vs into a preallocated buffer)


class Row(TypedDict):
    """One kernel at one size, dtype and thread count."""

    kernel: str
    op: str
    family: str
    bound: str  # "memory" or "exp"
    n: int  # the size asked for
    elements: int  # elements of the main input (row-wise: rows × classes)
    dtype: str
    threads: int
    bytes: int  # counted traffic of one call
    streams: str  # "2R 1W": arrays read, written, updated in place
    probe: ProbeResult
    exp_probe_ns: float | None  # ns per element of the vector exp, exp-bound kernels
    results: dict[str, ImplResult]


class Overhead(TypedDict):
    """descend's call from Python against the same kernel in Rust alone (criterion), N = 100."""

    python_s: float
    rust_s: float
    ratio: float


class Report(TypedDict):
    """The whole report (``--json``)."""

    schema: str
    machine: Machine
    config: dict[str, Any]
    stream: list[Stream]
    skipped_peers: dict[str, str]  # peer: why
    skipped_kernels: list[str]
    binding_overhead: dict[str, Overhead]  # by "kernel.op", 1 thread, float32
    rows: list[Row]


SCHEMA_VERSION = "descend-bench/2"


def validate(document: Any, kind: Any = Report, path: str = "$") -> list[str]:
    """Problems of ``document`` against ``kind`` (a TypedDict or type), empty when valid."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return []
    if origin in (Union, types.UnionType):
        attempts = [validate(document, arg, path) for arg in args]
        return [] if any(not a for a in attempts) else attempts[0]
    if kind is type(None):
        return [] if document is None else [f"{path}: expected null"]
    if origin is list:
        if not isinstance(document, list):
            return [f"{path}: expected a list"]
        items = enumerate(document)
        return [e for i, item in items for e in validate(item, args[0], f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(document, dict):
            return [f"{path}: expected an object"]
        return [e for k, v in document.items() for e in validate(v, args[1], f"{path}.{k}")]
    if typing.is_typeddict(kind):
        if not isinstance(document, dict):
            return [f"{path}: expected an object"]
        hints = typing.get_type_hints(kind)
        errors = [f"{path}: missing {k}" for k in hints if k not in document]
        errors += [f"{path}: unexpected {k}" for k in document if k not in hints]
        for k, hint in hints.items():
            if k in document:
                errors += validate(document[k], hint, f"{path}.{k}")
        return errors
    if kind is float:
        ok = isinstance(document, (int, float)) and not isinstance(document, bool)
    elif kind is int:
        ok = isinstance(document, int) and not isinstance(document, bool)
    else:
        ok = isinstance(document, kind)
    return [] if ok else [f"{path}: expected {kind.__name__}, got {type(document).__name__}"]
