"""Generate the API reference from the package's ``__all__`` lists at every build.

The public modules are ``descend``, every module named in a public module's ``__all__`` and
every public submodule the package imports (``descend.losses``, ``descend.activations``),
recursively; a module without ``__all__`` exposes the public functions and classes it
defines. Each module gets a page with a summary table of its names; each object gets one page
under its canonical name (the shortest, preferring the one that matches its ``__name__``),
where every other name it has is listed as an alias entry. So a name added to an ``__all__``
appears in the reference with no edit here, and ``tests/test_site.py`` checks that it did.
"""

from __future__ import annotations

import importlib
import inspect
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

PACKAGE = "descend"
# Where the module pages come in the table of contents; modules not named here follow, in
# alphabetical order. Only the order: which modules exist comes from the package.
ORDER = (
    "descend.losses",
    "descend.activations",
    "descend.optim",
    "descend.schedules",
    "descend.clip",
    "descend.metrics",
    "descend.models",
    "descend.preprocessing",
    "descend",
    "descend.reference",
)
# Objects compared by value, not identity: two names holding equal strings or numbers are two
# entries, never aliases of one another.
_VALUES = (str, bytes, int, float, bool, type(None))


@dataclass
class Entry:
    """One public object: every name it is exported under, the first being canonical."""

    obj: Any
    names: list[str] = field(default_factory=list)
    home: str = ""  # the module page whose table of contents holds its page

    @property
    def name(self) -> str:
        """Return the canonical name."""
        return self.names[0]


def _is_package_module(obj: Any) -> bool:
    name = getattr(obj, "__name__", "")
    return (
        isinstance(obj, types.ModuleType)
        and (name == PACKAGE or name.startswith(PACKAGE + "."))
        and not any(part.startswith("_") for part in name.split("."))
    )


def exported(module: types.ModuleType) -> list[str]:
    """Return the names a module exports: its ``__all__``, else what it defines publicly."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return sorted(
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    )


def public_modules() -> list[types.ModuleType]:
    """Return every public module, breadth first from the package."""
    root = importlib.import_module(PACKAGE)
    found = [root]
    for module in found:
        children = [getattr(module, name) for name in exported(module)]
        children += [obj for name, obj in sorted(vars(module).items()) if not name.startswith("_")]
        for child in children:
            if _is_package_module(child) and child not in found:
                found.append(child)
    return found


def ordered(modules: list[types.ModuleType]) -> list[types.ModuleType]:
    """Return the modules in the reference's reading order (``ORDER``, then by name)."""
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(modules, key=lambda m: (rank.get(m.__name__, len(ORDER)), m.__name__))


def collect(modules: list[types.ModuleType]) -> list[Entry]:
    """Group every exported name by the object it holds; modules are not entries."""
    by_id: dict[int, Entry] = {}
    entries: list[Entry] = []
    for module in modules:
        for name in exported(module):
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                continue
            qualified = f"{module.__name__}.{name}"
            key = id(obj)
            if isinstance(obj, _VALUES) or key not in by_id:
                entry = Entry(obj)
                entries.append(entry)
                if not isinstance(obj, _VALUES):
                    by_id[key] = entry
            else:
                entry = by_id[key]
            entry.names.append(qualified)
    for entry in entries:
        own = getattr(entry.obj, "__name__", None)
        entry.names.sort(key=lambda n: (n.rsplit(".", 1)[1] != own, n.count("."), n))
        entry.home = _home(entry)
    return entries


def _home(entry: Entry) -> str:
    """Return the module page an object's page hangs from.

    The shallowest exporting submodule that contains its definition (``descend.losses`` for
    ``mse_loss``, not ``descend`` nor ``descend.losses.regression``), else the module of its
    canonical name.
    """
    listers = [name.rsplit(".", 1)[0] for name in entry.names]
    defined_in = getattr(entry.obj, "__module__", None)
    if isinstance(defined_in, str):
        inside = [
            m
            for m in listers
            if m != PACKAGE and (defined_in == m or defined_in.startswith(m + "."))
        ]
        if inside:
            return min(inside, key=lambda m: m.count("."))
    return listers[0]


def _summary(obj: Any) -> str:
    """Return the first paragraph of a docstring, on one line."""
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def _kind(obj: Any) -> str:
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def _heading(text: str, underline: str = "=") -> str:
    return f"{text}\n{underline * len(text)}\n"


def object_page(entry: Entry) -> str:
    """Return the rst of one object's page: its documentation, then its aliases."""
    kind = _kind(entry.obj)
    lines = [_heading(entry.name), f".. auto{kind}:: {entry.name}"]
    if kind == "class":
        lines += ["   :members:", "   :show-inheritance:"]
    for alias in entry.names[1:]:
        lines += [
            "",
            f".. py:data:: {alias}",
            "   :no-contents-entry:",
            "",
            f"   Another name of :py:obj:`{entry.name}`: the same object.",
        ]
    return "\n".join(lines) + "\n"


def module_page(module: types.ModuleType, entries: list[Entry]) -> str:
    """Return a module page's rst: its docstring, the table of its names, its object pages."""
    name = module.__name__
    canonical = {alias: e.name for e in entries for alias in e.names}
    lines = [_heading(name), f".. automodule:: {name}", "   :no-members:", ""]
    names = exported(module)
    rows = []
    for short in names:
        obj = getattr(module, short)
        if isinstance(obj, types.ModuleType):
            rows.append((f":py:mod:`{obj.__name__}`", "Module. " + _summary(obj)))
        else:
            rows.append((f":py:obj:`{short} <{canonical[f'{name}.{short}']}>`", _summary(obj)))
    if rows:
        lines += [".. list-table::", "   :class: api-summary", "   :widths: 30 70", ""]
        for link, summary in rows:
            lines += [f"   * - {link}", f"     - {summary}"]
        lines.append("")
    own = [e.name for e in entries if e.home == name]
    if own:
        lines += [".. toctree::", "   :hidden:", ""] + [f"   {n}" for n in own]
    return "\n".join(lines) + "\n"


def write(directory: Path) -> None:
    """Write every page into ``directory``, rewriting only what changed, dropping stale pages."""
    modules = ordered(public_modules())
    entries = collect(modules)
    pages = {f"{e.name}.rst": object_page(e) for e in entries}
    pages |= {f"{m.__name__}.rst": module_page(m, entries) for m in modules}
    toc = [".. toctree::", "   :maxdepth: 1", ""]
    pages["toctree.inc"] = "\n".join(toc + [f"   generated/{m.__name__}" for m in modules]) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    for stale in set(p.name for p in directory.iterdir()) - set(pages):
        (directory / stale).unlink()
    for filename, text in pages.items():
        path = directory / filename
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def setup(app: Sphinx) -> dict[str, Any]:
    """Write the pages when the build starts."""
    # The public submodules are those a fresh ``import descend`` loads, so the pages are
    # written before any other extension imports more of the package (the gallery imports
    # ``descend.demo``, which is the CLI's, not the API).
    app.connect(
        "builder-inited", lambda app: write(Path(app.srcdir) / "api" / "generated"), priority=100
    )
    return {"parallel_read_safe": True}
