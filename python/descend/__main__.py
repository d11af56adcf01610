"""Command line: ``python -m descend demo`` (and ``descend demo`` once installed)."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="descend", description="descend command line")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="losses and gradients next to numpy")
    demo.add_argument("-n", type=int, default=4_000_000, help="elements (default 4,000,000)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from descend import demo as demo_module

        demo_module.main(args.n)


if __name__ == "__main__":
    main()
