"""The built documentation site (``make docs``, which ``make test`` runs first) is complete.

Every public name has an entry in the API reference, pages with formulas carry math and the
offline MathJax, nothing is loaded from the network, and the guide's examples run. The
expected names come from ``_public``, computed in a fresh interpreter from the ``__all__``
lists, apart from the docs extension that generated the pages.
"""

from __future__ import annotations

import doctest
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _public import public_names

import descend as ds

DOCS = Path(__file__).parent.parent / "docs"
HTML = DOCS / "_build" / "html"
API = HTML / "api" / "generated"


class _Page(HTMLParser):
    """What the checks read from one page: entry ids, assets, math, images."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: set[str] = set()
        self.assets: list[str] = []
        self.math = 0
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "dt" and "sig" in classes and a.get("id"):
            self.entries.add(a["id"] or "")
        if a.get("id", "").startswith("module-"):  # type: ignore[union-attr]
            self.entries.add(a["id"] or "")
        if tag == "script" and a.get("src"):
            self.assets.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.assets.append(a["href"] or "")
        if tag in {"img", "source"}:
            self.assets.append(a.get("src") or "")
            self.images.append(a.get("src") or "")
        if "math" in classes:
            self.math += 1


@cache
def page(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def built() -> list[Path]:
    if not (HTML / "index.html").exists():
        pytest.fail(f"the site is not built: run `make docs` (expected {HTML})")
    return sorted(HTML.rglob("*.html"))


def test_every_public_name_has_an_entry() -> None:
    pages = built()
    entries = set().union(*(page(p).entries for p in pages if p.parent == API))
    missing = []
    for module, names in public_names().items():
        if not (API / f"{module}.html").exists() or f"module-{module}" not in entries:
            missing.append(f"module {module}")
        missing += [
            f"{module}.{name}"
            for name in names
            # A submodule in an __all__ is entered as the module it is.
            if not {f"{module}.{name}", f"module-{module}.{name}"} & entries
        ]
    assert not missing, f"API reference lacks {missing}"


def test_no_entry_beyond_the_public_names() -> None:
    built()
    public = public_names()
    expected = {f"module-{m}" for m in public} | {
        f"{m}.{n}" for m, ns in public.items() for n in ns
    }
    entries = set().union(*(page(p).entries for p in API.glob("*.html")))
    # Members of a documented class (descend.Adam.step) belong to it.
    extra = {e for e in entries - expected if e.rsplit(".", 1)[0] not in expected}
    assert not extra, f"entries for names that are not public: {sorted(extra)}"


def test_no_remote_assets() -> None:
    remote = [
        f"{p.relative_to(HTML)}: {src}"
        for p in built()
        for src in page(p).assets
        if src.startswith(("http:", "https:", "//"))
    ]
    assert not remote, remote


def test_formulas_are_math_rendered_offline() -> None:
    built()
    mathjax = HTML / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.stat().st_size > 100_000
    for name in [*ds.losses.__all__, *ds.activations.__all__, "Adam"]:
        p = page(API / f"descend.{name}.html")
        assert p.math > 0, f"descend.{name}: no formula"
        assert any(src.startswith("../../_static/mathjax/tex-chtml.js") for src in p.assets), name
    assert page(HTML / "user_guide" / "reductions.html").math > 0


def test_gallery_and_benchmark_figures() -> None:
    built()
    gallery = page(HTML / "gallery" / "index.html").images
    assert len([src for src in gallery if src.endswith(".png")]) == 5, gallery
    for dtype in ("float32", "float64"):
        plots = [
            s for s in page(HTML / "benchmarks" / f"{dtype}.html").images if s.endswith(".svg")
        ]
        assert len(plots) > 100, f"{dtype}: {len(plots)} plots"
        assert all((HTML / "benchmarks" / src).exists() for src in plots)


def test_search_index_holds_the_api() -> None:
    built()
    assert (HTML / "search.html").exists()
    index = (HTML / "searchindex.js").read_text(encoding="utf-8")
    assert "mse_loss" in index and "cross_entropy" in index


GUIDES = sorted(
    p for p in DOCS.rglob("*.rst") if "generated" not in p.parts and "_build" not in p.parts
)


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: str(p.relative_to(DOCS)))
def test_guide_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples may write files
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(path), module_relative=False, optionflags=flags, verbose=False)
    assert result.failed == 0
