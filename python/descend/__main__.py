"""Command line: ``python -m descend demo`` (and ``descend demo`` once installed)."""

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
    args = parser.parse_args(argv)
    if args.command == "demo":
        parts = None if args.part is None else [args.part]
        demo_module.main(parts, fast=args.fast, out=args.out)


if __name__ == "__main__":
    main()
