"""The command line of ``python -m descend bench``: its options, their checks, its outputs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from descend.bench import _kernels, _report
from descend.bench._info import PEERS
from descend.bench._run import run, select
from descend.bench._schema import Report, validate

DEFAULT_SIZES = "1e2,1e4,1e6,1e7"
FAST_SIZES = [100, 2000]
DTYPES = ("float32", "float64")
DESCRIPTION = "descend against every installed peer, against the roofline."


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


def parser(prog: str = "descend bench", description: str | None = None) -> argparse.ArgumentParser:
    """Build the command line's parser (the repository's report adds its options to it)."""
    parser = argparse.ArgumentParser(prog=prog, description=description or DESCRIPTION)
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
    parser.add_argument("--json", help="write the report here")
    parser.add_argument("--markdown", help="write the tables here")
    parser.add_argument("--plot", help="write the plots here (.png or .pdf)")
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing; only write the files asked for"
    )
    return parser


def parse_args(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Read the command line, refusing what would fail or be wasted later (see :func:`_check`)."""
    args = parser.parse_args(argv)
    _check(parser, args)
    return args


def configure(args: argparse.Namespace) -> dict[str, Any]:
    """Turn the parsed options into a JSON-able config (the report records it)."""
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
        "quiet": args.quiet,
        "outputs": {"json": args.json, "markdown": args.markdown, "plot": args.plot},
    }


def parse(argv: list[str] | None) -> dict[str, Any]:
    """Read the command line into a JSON-able config."""
    return configure(parse_args(parser(), argv))


def write(
    report: Report, outputs: dict[str, str | None], markdown: Callable[[Report], str]
) -> None:
    """Write the report to the ``json``, ``markdown`` and ``plot`` paths of ``outputs``."""
    if outputs["json"]:
        errors = validate(json.loads(json.dumps(report)))
        if errors:  # a bug here, not in the measurement: say so, write anyway
            print("report does not match its schema:", *errors[:5], sep="\n  ", file=sys.stderr)
        with open(outputs["json"], "w") as f:
            json.dump(report, f, indent=1)
    if outputs["markdown"]:
        with open(outputs["markdown"], "w") as f:
            f.write(markdown(report))
    if outputs["plot"]:
        _report.plot(report, outputs["plot"])


def main(argv: list[str] | None = None) -> Report:
    """Run ``descend bench`` with ``argv`` (``sys.argv[1:]`` when None); return the report."""
    config = parse(argv)
    report = run(config)
    if not config["quiet"]:
        _report.terminal(report)
    write(report, config["outputs"], _report.markdown)
    return report
