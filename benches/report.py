"""The benchmark as the repository runs it: descend bench, plus what belongs to the repository.

Every option of ``python -m descend bench`` (the same measurement, JSON and plots), and:

- the performance targets (``targets.py``) in the terminal and the Markdown report;
- ``--criterion DIR``: criterion's times of the Rust core alone, read from ``target/criterion``,
  beside descend's from Python (``criterion.py``);
- ``--readme FILE``: the headline table rewritten between the file's markers (``readme.py``);
- ``--from-json FILE``: a saved report (the committed one, or one ``python -m descend bench
  --json`` wrote) rendered again instead of measuring.

``make bench`` runs it with every output; the README's Speed section shows the command.

Usage: python benches/report.py [descend bench options] [--criterion DIR] [--readme FILE]
       python benches/report.py --from-json benches/results/bench.json --markdown out.md
"""

from __future__ import annotations

import argparse
import json
import os

import criterion
import readme
import targets

from descend import bench
from descend.bench import _report
from descend.bench._schema import Report, validate

PROG = "benches/report.py"


def markdown(report: Report) -> str:
    """Render the user's Markdown report with criterion's times and the targets added."""
    return _report.markdown(report, criterion.markdown(report), [targets.markdown(report)])


def load(path: str) -> Report:
    """Read a saved report, exiting with one line if it is not one."""
    try:
        with open(path) as f:
            report: Report = json.load(f)
    except (OSError, ValueError) as error:
        raise SystemExit(f"{PROG}: error: --from-json {path}: {error}") from None
    errors = validate(report)
    if errors:
        raise SystemExit(f"{PROG}: error: --from-json {path}: not a report: {errors[0]}")
    return report


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse this tool's options, as ``descend bench`` its own, before anything is measured."""
    if args.criterion and not os.path.isdir(args.criterion):
        parser.error(f"--criterion {args.criterion}: no such directory")
    if args.from_json and not os.path.isfile(args.from_json):
        parser.error(f"--from-json {args.from_json}: no such file")
    problem = args.readme and readme.problem(args.readme)
    if problem:
        parser.error(f"--readme {args.readme}: {problem}")


def main(argv: list[str] | None = None) -> Report:
    """Run the benchmark (or re-render a saved report) with ``argv``; return the report."""
    parser = bench.parser(PROG, (__doc__ or "").splitlines()[0])
    parser.add_argument("--criterion", metavar="DIR", help="criterion's target/criterion")
    parser.add_argument("--readme", metavar="FILE", help="rewrite the headline table in FILE")
    parser.add_argument("--from-json", metavar="FILE", help="render FILE instead of measuring")
    args = bench.parse_args(parser, argv)
    _check(parser, args)
    config = bench.configure(args) | {"criterion": args.criterion, "from_json": args.from_json}
    config["outputs"]["readme"] = args.readme
    if args.from_json:
        report = load(args.from_json)
    else:
        report = bench.run(config)
        if args.criterion:
            report["binding_overhead"] = criterion.binding_overhead(report["rows"], args.criterion)
    if not args.quiet:
        _report.terminal(report, targets.summary(report))
    bench.write(report, config["outputs"], markdown)
    if args.readme:
        readme.update(args.readme, report)
    return report


if __name__ == "__main__":
    main()
