"""The public names of descend, as a fresh ``import descend`` exposes them.

Computed in a subprocess, so what other tests imported (``descend.demo``) does not count, and
apart from the docs extension that generates the API reference from the same rule: modules
named in an ``__all__`` or imported as a public attribute, recursively; a module without
``__all__`` exports the public functions and classes it defines.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

_PUBLIC = """
import inspect, json, types
import descend

def public(obj):
    name = getattr(obj, "__name__", "")
    return isinstance(obj, types.ModuleType) and name.split(".")[0] == "descend" and not any(
        part.startswith("_") for part in name.split(".")
    )

def names(module):
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [n for n, o in vars(module).items() if not n.startswith("_")
            and (inspect.isfunction(o) or inspect.isclass(o)) and o.__module__ == module.__name__]

found = {}
todo = [descend]
while todo:
    module = todo.pop()
    if module.__name__ in found:
        continue
    found[module.__name__] = names(module)
    for obj in [getattr(module, n) for n in names(module)] + list(vars(module).values()):
        if public(obj) and getattr(obj, "__name__", "").startswith(module.__name__ + "."):
            todo.append(obj)
        elif public(obj) and module.__name__ == "descend":
            todo.append(obj)
print(json.dumps(found))
"""


@cache
def public_names() -> dict[str, list[str]]:
    """Map each public module to the names it exports."""
    out = subprocess.run(
        [sys.executable, "-c", _PUBLIC], check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out))
