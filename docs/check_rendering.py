"""Open the built site in headless Chromium, offline, and check what a reader would see.

Run by hand after ``make docs`` (it needs Debian's ``chromium``: ``apt-get install
chromium``): ``.venv/bin/python docs/check_rendering.py [OUT_DIR]``. It opens the index, an
API page with formulas and the search page with a query, with every host name unresolvable so
nothing can come from the network; it saves a screenshot of each into OUT_DIR (default
``docs/_build/screenshots``) and asserts on the DOM after scripts ran: MathJax typeset every
formula without an error, and the search found the function.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

HTML = Path(__file__).parent / "_build" / "html"
# Every host name fails to resolve: a page that needed the network would show it.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND"
CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", OFFLINE]


class _Text(HTMLParser):
    """The visible text of a DOM dump, and a count of tags by name."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: dict[str, int] = {}
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def render(browser: str, url: str, screenshot: Path, height: int = 1400) -> _Text:
    """Screenshot ``url`` (the top ``height`` pixels) and return its DOM after scripts ran."""
    budget = "--virtual-time-budget=10000"
    size = f"--window-size=1280,{height}"
    subprocess.run(
        [browser, *CHROMIUM, budget, size, f"--screenshot={screenshot}", url],
        check=True,
        capture_output=True,
    )
    dom = subprocess.run(
        [browser, *CHROMIUM, budget, "--dump-dom", url], check=True, capture_output=True, text=True
    ).stdout
    page = _Text()
    page.feed(dom)
    return page


def main() -> None:
    """Render the three pages, save their screenshots and check them."""
    browser = shutil.which("chromium")
    if browser is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HTML.parent / "screenshots"
    out.mkdir(parents=True, exist_ok=True)

    index = render(browser, (HTML / "index.html").as_uri(), out / "index.png")
    for words in ("descend", "Getting started", "User guide", "API reference", "Gallery"):
        assert words in index.text, f"index: {words!r} not shown"

    # Tall enough to show the Notes, where the formulas are.
    api = render(
        browser,
        (HTML / "api/generated/descend.cross_entropy.html").as_uri(),
        out / "api.png",
        height=3000,
    )
    formulas = api.tags.get("mjx-container", 0)
    assert formulas >= 2, f"cross_entropy: {formulas} typeset formulas"
    assert "merror" not in api.tags and "mjx-merror" not in api.tags, "a formula failed"
    for words in ("descend.cross_entropy", "Parameters", "label_smoothing", "References"):
        assert words in api.text, f"cross_entropy: {words!r} not shown"

    search = render(browser, (HTML / "search.html").as_uri() + "?q=huber_loss", out / "search.png")
    assert "descend.huber_loss" in search.text, "search: huber_loss not found"
    assert "Search Results" in search.text, "search: no results shown"

    print(
        f"index, cross_entropy ({formulas} formulas typeset) and search render offline; see {out}"
    )


if __name__ == "__main__":
    main()
