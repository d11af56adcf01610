"""Sphinx configuration of descend's documentation site (``make docs``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import descend

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "descend"
author = "The descend developers"
copyright = "The descend developers, MIT license"
version = release = descend.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "descend_api",
    "descend_gallery",
    "descend_bench",
]
exclude_patterns = ["_build"]
templates_path: list[str] = []
default_role = "py:obj"
# The benchmark reports are markdown whose sections start at "##"; they are included below a
# page title, so their levels are right there.
suppress_warnings = ["myst.header"]

# Formulas render offline: MathJax 3.2.2 from the sphinx-mathjax-offline package's files
# (Apache-2.0), copied into _static/mathjax; nothing is loaded from a CDN.
_mathjax = importlib.util.find_spec("sphinx-mathjax-offline")
assert _mathjax is not None and _mathjax.submodule_search_locations
html_static_path = ["_static", str(Path(_mathjax.submodule_search_locations[0]) / "static")]
mathjax_path = "mathjax/tex-chtml.js"
# MathJax is deferred so that mathjax-config.js (plain, not deferred) configures it first.
mathjax_options = {"defer": "defer"}
html_js_files = ["mathjax-config.js"]

autodoc_typehints = "none"  # the signature shows the types' defaults; Parameters says the rest
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = f"descend {release}"
html_css_files = ["descend.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# Pages of wide tables and figures, and the landing page, have no navigation to show on the
# left: they get the width instead.
html_sidebars: dict[str, list[str]] = {"index": [], "gallery/index": [], "benchmarks/*": []}
html_show_sourcelink = False
html_copy_source = False
