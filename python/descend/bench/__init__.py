"""``python -m descend bench``: descend against every installed peer, against the roofline.

For each kernel of the table (``_kernels``), size, dtype and thread count, descend and every
installed peer (idiomatic numpy, numpy with ``out=``, torch, JAX, numba; missing ones are
skipped and listed) run on the same arrays, timed interleaved with the Rust probe that does
only the kernel's memory traffic (``_probes``), and checked against ``descend.reference``.
Every result is reported as time, GB/s of counted bytes, % of the probe (its roofline) and
relative error; exp-bound kernels also as ns per element beside the vector-exp probe's.

Examples
--------
``python -m descend bench --kernels mse_loss,Adam --sizes 1e4,1e6 --threads 1,2``
``python -m descend bench --fast --json out.json`` (tiny sizes, one repeat: a smoke test)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
from types import ModuleType
from typing import Any

import numpy as np

import descend as ds
from descend.bench import _kernels, _probes, _report
from descend.bench._info import PEERS, info, last_level_cache, load_peers, machine
from descend.bench._kernels import Kernel, Problem
from descend.bench._measure import Impl, Timing, measure, relative_error, sample
from descend.bench._schema import (
    SCHEMA_VERSION,
    ImplResult,
    ProbeResult,
    Report,
    Row,
    Stream,
    validate,
)

__all__ = ["info", "main", "run", "run_rows", "select", "validate"]

DEFAULT_SIZES = "1e2,1e4,1e6,1e7"
FAST_SIZES = [100, 2000]
DTYPES = ("float32", "float64")
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
    """Run the whole benchmark for ``config`` (see :func:`parse`) and return the report."""
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
        binding_overhead=_report.binding_overhead(rows, config.get("criterion")),
        rows=rows,
    )


def _counts(text: str) -> list[int]:
    """Read comma-separated positive whole numbers, written as ints or floats (1e6), each once."""
    try:
        counts = list(dict.fromkeys(int(float(s)) for s in text.split(",") if s))
    except ValueError:
        message = f"{text!r} is not a list of numbers like 1e2,1e6"
        raise argparse.ArgumentTypeError(message) from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: every number must be at least 1")
    return counts


def _dtypes(text: str) -> list[str]:
    dtypes = list(dict.fromkeys(d for d in text.split(",") if d))
    unknown = sorted(set(dtypes) - set(DTYPES)) if dtypes else ["(none)"]
    if unknown:
        raise argparse.ArgumentTypeError(f"{', '.join(unknown)}: the choices are {DTYPES}")
    return dtypes


def _largest_size() -> int:
    """Return the most elements a run may ask for.

    About 64 bytes per element (every implementation's float64 arrays at once) must fit in the
    machine's memory.
    """
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not POSIX: no limit known
        return sys.maxsize
    return max(memory // 64, 1)


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, before anything is measured, what would fail or be wasted later.

    A mistyped kernel or peer, a size beyond memory, a non-positive budget, an output that
    cannot be written.
    """
    if args.from_json and not os.path.isfile(args.from_json):
        parser.error(f"--from-json {args.from_json}: no such file")
    names = [k for k in args.kernels.split(",") if k]
    _, unknown = select(names or None)
    if unknown:
        known = sorted({k.function for k in _kernels.kernels()})
        parser.error(f"no such kernel: {', '.join(unknown)} (known: {', '.join(known)})")
    peers = [p for p in args.peers.split(",") if p]
    strangers = [p for p in peers if p not in PEERS]
    if strangers:
        parser.error(f"no such peer: {', '.join(strangers)} (known: {', '.join(PEERS)})")
    largest = _largest_size()
    if max(args.sizes) > largest:
        parser.error(f"--sizes: {max(args.sizes):.0e} elements exceed this machine's memory")
    if not args.budget > 0:
        parser.error(f"--budget must be > 0 seconds, got {args.budget}")
    for flag in ("json", "markdown", "plot"):
        path = getattr(args, flag)
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            parser.error(f"--{flag} {path}: no such directory")
    if args.readme and not os.path.isfile(args.readme):
        parser.error(f"--readme {args.readme}: no such file")


def parse(argv: list[str] | None) -> dict[str, Any]:
    """Read the command line into a JSON-able config."""
    parser = argparse.ArgumentParser(
        prog="descend bench", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--sizes", type=_counts, default=DEFAULT_SIZES, help=f"elements, default {DEFAULT_SIZES}"
    )
    parser.add_argument("--threads", type=_counts, default="1,2", help="default 1,2")
    parser.add_argument(
        "--dtypes", type=_dtypes, default="float32,float64", help="default float32,float64"
    )
    parser.add_argument("--kernels", default="", help="e.g. mse_loss,Adam (default: all)")
    parser.add_argument("--peers", default=",".join(PEERS), help="default: all installed")
    parser.add_argument("--repeats", type=int, default=11, help="at least 11 (1 with --fast)")
    parser.add_argument("--budget", type=float, default=2e-3, help="seconds per sample")
    parser.add_argument("--fast", action="store_true", help="tiny sizes, one repeat (tests)")
    parser.add_argument("--criterion", help="criterion's target/criterion directory")
    parser.add_argument("--json", help="write the report here")
    parser.add_argument("--markdown", help="write the tables here")
    parser.add_argument("--plot", help="write the plots here (.png or .pdf)")
    parser.add_argument("--readme", help="rewrite the headline table between this file's markers")
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing; only write the files asked for"
    )
    parser.add_argument("--from-json", help="render a saved report instead of measuring")
    args = parser.parse_args(argv)
    _check(parser, args)
    fast = args.fast
    return {
        "sizes": FAST_SIZES if fast else args.sizes,
        "threads": [1] if fast else args.threads,
        "dtypes": args.dtypes,
        "kernels": [k for k in args.kernels.split(",") if k] or None,
        "peers": [p for p in args.peers.split(",") if p],
        "repeats": 1 if fast else max(args.repeats, 11),
        "budget": 1e-4 if fast else args.budget,
        "fast": fast,
        "criterion": args.criterion,
        "quiet": args.quiet,
        "outputs": {
            "json": args.json,
            "markdown": args.markdown,
            "plot": args.plot,
            "readme": args.readme,
        },
        "from_json": args.from_json,
    }


def main(argv: list[str] | None = None) -> Report:
    """Run ``descend bench`` with ``argv`` (``sys.argv[1:]`` when None); return the report."""
    config = parse(argv)
    if config["from_json"]:
        report: Report = _load_report(config["from_json"])
    else:
        report = run(config)
    if not config["quiet"]:
        _report.terminal(report)
    outputs = config["outputs"]
    if outputs["json"]:
        errors = validate(json.loads(json.dumps(report)))
        if errors:  # a bug here, not in the measurement: say so, write anyway
            print("report does not match its schema:", *errors[:5], sep="\n  ", file=sys.stderr)
        with open(outputs["json"], "w") as f:
            json.dump(report, f, indent=1)
    if outputs["markdown"]:
        with open(outputs["markdown"], "w") as f:
            f.write(_report.markdown(report))
    if outputs["plot"]:
        _report.plot(report, outputs["plot"])
    if outputs["readme"]:
        _report.update_readme(outputs["readme"], report)
    return report


def _load_report(path: str) -> Report:
    """Read a saved report, exiting with one line if it is not one."""
    try:
        with open(path) as f:
            report: Report = json.load(f)
    except (OSError, ValueError) as error:
        raise SystemExit(f"descend bench: error: --from-json {path}: {error}") from None
    errors = validate(report)
    if errors:
        raise SystemExit(f"descend bench: error: --from-json {path}: not a report: {errors[0]}")
    return report
