"""Command line: ``python -m descend demo|bench|info`` (and ``descend ...`` once installed)."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    from descend import demo as demo_module

    parser = argparse.ArgumentParser(prog="descend", description="descend command line")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="gradient descent, optimizers and losses, in five parts",
        description="Train small models on embedded data and show how descend learns.",
        epilog=demo_module.parts_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--part", type=int, choices=list(demo_module.PARTS), help="run part N only")
    demo.add_argument("--fast", action="store_true", help="few epochs (for tests)")
    demo.add_argument(
        "--out",
        default=demo_module.DEFAULT_OUT,
        metavar="DIR",
        help=f"folder for the figures (default ./{demo_module.DEFAULT_OUT}/)",
    )
    # bench parses its own options (python -m descend bench --help lists them).
    commands.add_parser("bench", help="benchmark against numpy, torch, JAX, numba", add_help=False)
    commands.add_parser("info", help="version, SIMD level, threads, CPU, peers found")
    args, rest = parser.parse_known_args(argv)
    if args.command != "bench" and rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "demo":
        parts = None if args.part is None else [args.part]
        demo_module.main(parts, fast=args.fast, out=args.out)
    elif args.command == "bench":
        from descend import bench

        bench.main(rest)
    elif args.command == "info":
        from descend.bench import info

        print(info())


if __name__ == "__main__":
    main()
