"""The measurement: every selected kernel, size, dtype and thread count, with every peer.

Each row times descend's implementations and the peers' on the same arrays, interleaved with the
Rust probe that does only the kernel's memory traffic, and checks every result against
``descend.reference``; JAX runs in a child process per thread count and its results join the
rows of the same kernel.
"""

from __future__ import annotations

import math
import statistics
from types import ModuleType
from typing import Any

import numpy as np

import descend as ds
from descend.bench import _kernels, _probes, _report
from descend.bench._info import last_level_cache, load_peers, machine
from descend.bench._kernels import Kernel, Problem
from descend.bench._measure import Impl, Timing, measure, relative_error, sample
from descend.bench._schema import SCHEMA_VERSION, ImplResult, ProbeResult, Report, Row, Stream

# The triad's least size: 240 MB of float64, well past any cache, so its line is DRAM's rate.
STREAM_N = 10**7


def select(names: list[str] | None) -> tuple[list[Kernel], list[str]]:
    """Select the kernels matching ``names``; return them and the names that match none.

    A name is a kernel's (``cross_entropy C=10``), ``name.op`` or the descend function
    (``cross_entropy`` selects both class counts); None selects all. clip_grad_norm_ is in
    the table only where descend has it.
    """
    table = list(_kernels.kernels())
    if not names:
        return table, []
    chosen = [k for k in table if {k.name, k.key, k.function} & set(names)]
    unknown = [n for n in names if not any(n in (k.name, k.key, k.function) for k in table)]
    return chosen, unknown


def _set_threads(n: int, peers: dict[str, ModuleType]) -> None:
    ds.set_num_threads(n)
    for module in peers.values():
        module.set_threads(n)


def _impls(p: Problem, peers: dict[str, ModuleType], own: bool) -> dict[str, Impl]:
    impls = _kernels.descend_impls(p) if own else {}
    for name, module in peers.items():
        try:
            impls.update(module.impls(p))
        except Exception as error:  # a peer that cannot run a row lacks it
            print(f"  {name}: cannot run {p.kernel.key} ({type(error).__name__}: {error})")
    return impls


def _result(t: Timing, impl: Impl, p: Problem, probe_gbps: float, err: float | None) -> ImplResult:
    med = t.median
    gbps = p.nbytes / med / 1e9
    return ImplResult(
        median_s=med,
        min_s=min(t.samples),
        max_s=max(t.samples),
        repeats=len(t.samples),
        inner=t.inner,
        gbps=gbps,
        pct_roofline=100.0 * gbps / probe_gbps,
        ns_per_element=med * 1e9 / p.elements,
        rel_error=None if err is None or not math.isfinite(err) else err,
        fresh=impl.fresh,
    )


def _row(p: Problem, threads: int, impls: dict[str, Impl], repeats: int, budget: float) -> Row:
    k = p.kernel
    probe = _probes.roofline(p)
    timed = {**impls, "probe": probe.impl}
    if k.bound == "exp":
        timed["exp probe"] = _probes.exp(p.elements, p.dtype).impl
    # Working sets that fit in the cache are timed from their own state there (see measure).
    timings = measure(timed, repeats, budget, settle=p.nbytes <= last_level_cache())
    probe_t = timings.pop("probe")
    exp_t = timings.pop("exp probe", None)
    probe_gbps = probe.nbytes / probe_t.median / 1e9
    results: dict[str, ImplResult] = {}
    for name, t in timings.items():
        err, own = None, impls[name].want
        want = p.want if own is None else own
        if t.output is not None and want is not None:
            got = _kernels.optimizer_output(p, t.output) if k.family == "optim" else t.output
            err = relative_error(got, want)
        results[name] = _result(t, impls[name], p, probe_gbps, err)
    return Row(
        kernel=k.name,
        op=k.op,
        family=k.family,
        bound=k.bound,
        n=p.requested,
        elements=p.elements,
        dtype=np.dtype(p.dtype).name,
        threads=threads,
        bytes=p.nbytes,
        streams=str(k.streams),
        probe=ProbeResult(
            name=probe.name, exact=probe.exact, median_s=probe_t.median, gbps=probe_gbps
        ),
        exp_probe_ns=None if exp_t is None else exp_t.median * 1e9 / p.elements,
        results=results,
    )


def run_rows(config: dict[str, Any], peers: dict[str, ModuleType], own: bool = False) -> list[Row]:
    """Measure every selected kernel × size × dtype × thread count; descend itself if ``own``.

    The reference result is computed once per problem and reused across thread counts.
    """
    kernels, _ = select(config["kernels"])
    rows: list[Row] = []
    for kernel in kernels:
        for dtype in config["dtypes"]:
            for n in filter(kernel.runs_at, config["sizes"]):
                p = _kernels.problem(kernel, n, np.dtype(dtype))
                want = _kernels.reference(p)
                p.want = _kernels.optimizer_output(p, want) if kernel.family == "optim" else want
                for threads in config["threads"]:
                    _set_threads(threads, peers)
                    impls = _impls(p, peers, own)
                    row = _row(p, threads, impls, config["repeats"], config["budget"])
                    rows.append(row)
                    if not config.get("quiet"):
                        print(_report.progress(row), flush=True)
    return rows


def stream(sizes: list[int], threads: list[int], repeats: int, fast: bool) -> list[Stream]:
    """Time a STREAM-style triad (float64) alone, per thread count.

    Its size is the largest of ``sizes`` and, except ``fast``, at least :data:`STREAM_N`.
    """
    n = max(sizes) if fast else max(*sizes, STREAM_N)
    out: list[Stream] = []
    for t in threads:
        with ds.threads(t):
            probe = _probes.triad(n, np.float64)
            probe.impl.call()
            times = [sample(probe.impl.call, 1) for _ in range(max(repeats, 3))]
        rates = [probe.nbytes / s / 1e9 for s in times]
        out.append(
            Stream(n=n, threads=t, best_gbps=max(rates), median_gbps=statistics.median(rates))
        )
    return out


def _merge(rows: list[Row], extra: list[Row]) -> None:
    """Add a child's results (JAX) to the rows of the same kernel, size, dtype and threads."""
    index = {(r["kernel"], r["op"], r["n"], r["dtype"], r["threads"]): r for r in rows}
    for r in extra:
        key = (r["kernel"], r["op"], r["n"], r["dtype"], r["threads"])
        if key in index:
            index[key]["results"].update(r["results"])


def run(config: dict[str, Any]) -> Report:
    """Run the whole benchmark for ``config`` (see ``descend.bench.parse``); return the report."""
    names = config["peers"]
    peers, skipped = load_peers(names)
    in_process = {k: v for k, v in peers.items() if k != "jax"}
    _, unknown = select(config["kernels"])
    skipped_kernels = [f"{n}: no such kernel" for n in unknown]
    if not hasattr(ds, _kernels.CLIP.name):
        skipped_kernels.append(f"{_kernels.CLIP.name}: not in this descend")
    streams = stream(config["sizes"], config["threads"], config["repeats"], config["fast"])
    if not config.get("quiet"):
        print(_report.stream_line(streams), flush=True)
    rows = run_rows(config, in_process, own=True)
    if "jax" in peers:
        from descend.bench import _jax

        for t in config["threads"]:
            try:
                _merge(rows, _jax.run_subprocess(config, t)["rows"])
            except Exception as error:  # the peer failed; the report stands
                skipped[f"jax (threads={t})"] = f"{type(error).__name__}: {error}"
    return Report(
        schema=SCHEMA_VERSION,
        machine=machine(peers),
        config=config,
        stream=streams,
        skipped_peers=skipped,
        skipped_kernels=skipped_kernels,
        binding_overhead={},  # criterion's times: the repository's report adds them
        rows=rows,
    )
