"""The README's headline table, rewritten from a report between the README's markers.

The prose around the table is written by hand; only the lines between the markers belong to
the report (``report.py --readme README.md``).
"""

from __future__ import annotations

from descend.bench._report import headline
from descend.bench._schema import Report

START = "<!-- bench headline: written by `python benches/report.py --readme` -->\n"
END = "<!-- end of bench headline -->\n"


def _table(text: str) -> tuple[int, int]:
    """Find where the table between the markers starts and ends in ``text``."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no headline markers {START.strip()} … {END.strip()}")
    return start + len(START), end


def problem(path: str) -> str | None:
    """Say why ``path`` could not take the table, or None if it can (asked before a run)."""
    try:
        with open(path) as f:
            _table(f.read())
    except OSError as error:
        return error.strerror or str(error)
    except ValueError as error:
        return str(error)
    return None


def update(path: str, report: Report) -> None:
    """Replace the headline table between the README's markers with this report's."""
    with open(path) as f:
        text = f.read()
    start, end = _table(text)
    with open(path, "w") as f:
        f.write(text[:start] + headline(report) + text[end:])
