"""Command line: ``python -m descend demo|bench|info`` (and ``descend ...`` once installed)."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="descend", description="descend command line")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="losses and gradients next to numpy")
    demo.add_argument("-n", type=int, default=4_000_000, help="elements (default 4,000,000)")
    # bench parses its own options (python -m descend bench --help lists them).
    commands.add_parser("bench", help="benchmark against numpy, torch, JAX, numba", add_help=False)
    commands.add_parser("info", help="version, SIMD level, threads, CPU, peers found")
    args, rest = parser.parse_known_args(argv)
    if args.command != "bench" and rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "demo":
        from descend import demo as demo_module

        demo_module.main(args.n)
    elif args.command == "bench":
        from descend import bench

        bench.main(rest)
    elif args.command == "info":
        from descend.bench import info

        print(info())


if __name__ == "__main__":
    main()
