"""The machine and the peers: what ``python -m descend info`` prints and the report records."""

from __future__ import annotations

import datetime
import glob
import importlib
import os
import platform
import re
from types import ModuleType
from typing import Any

import numpy as np

import descend as ds
from descend import _core
from descend.bench._schema import Machine

# Peer name -> the module that implements it; each fails to import when its library is missing.
PEERS: dict[str, str] = {
    "numpy": "descend.bench._numpy",
    "torch": "descend.bench._torch",
    "jax": "descend.bench._jax",
    "numba": "descend.bench._numba",
}


def load_peers(names: list[str]) -> tuple[dict[str, ModuleType], dict[str, str]]:
    """Import the peer modules asked for; return them and, for the others, why they failed.

    OpenMP runtimes (torch's, numba's omp layer) keep idle workers spinning for up to 200 ms
    after a parallel region, on the cores the next implementation in the interleaved loop
    runs on: with them spinning, descend's 2-thread SGD step took 7.1 ms against 6.5 ms
    without. Unless the caller chose otherwise, they are made to sleep when idle.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("KMP_BLOCKTIME", "0")
    found: dict[str, ModuleType] = {}
    skipped: dict[str, str] = {}
    for name in names:
        try:
            found[name] = importlib.import_module(PEERS[name])
        except KeyError:
            skipped[name] = f"unknown peer (known: {', '.join(PEERS)})"
        except Exception as error:  # ImportError, or a broken install
            skipped[name] = f"{type(error).__name__}: {error}".splitlines()[0]
    return found, skipped


def cpu() -> str:
    """Return the CPU's model name (from /proc/cpuinfo, else the platform's)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def last_level_cache() -> int:
    """Bytes of the CPU's largest cache (Linux sysfs); 32 MiB where it cannot be read."""
    sizes = []
    for index in glob.glob("/sys/devices/system/cpu/cpu0/cache/index*/size"):
        try:
            with open(index) as f:
                text = f.read().strip()
        except OSError:
            continue
        unit = {"K": 1 << 10, "M": 1 << 20}.get(text[-1:], 1)
        digits = text.rstrip("KM")
        if digits.isdigit():
            sizes.append(int(digits) * unit)
    return max(sizes, default=32 << 20)


def thread_source() -> tuple[int, str]:
    """Return descend's thread count and where it came from.

    The core's rule: the first of DESCEND_NUM_THREADS and OMP_NUM_THREADS that holds a whole
    number ≥ 1, else every core this process may run on. Variables it skipped are named.
    """
    threads, ignored = ds.get_num_threads(), []
    from_env: int | None
    for var in ("DESCEND_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(var)
        if value is None:
            continue
        if re.fullmatch(r"\+?[0-9]+", value.strip()) and int(value) > 0:
            source, from_env = f"{var}={value.strip()}", int(value)
            break
        ignored.append(f"{var}={value!r} ignored")
    else:
        from_env = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        source = f"all cores ({from_env or os.cpu_count()})"
    if from_env is not None and threads != from_env:
        source = "set in this process"
    return threads, "; ".join([source, *ignored])


def simd_source() -> str:
    """Say where descend's SIMD path came from.

    DESCEND_SIMD, or the best path this CPU has when it is unset or the core could not honour it.
    """
    forced = os.environ.get("DESCEND_SIMD", "").strip()
    if not forced:
        return "the best this CPU has"
    if _core.simd_warning() is not None:
        return f"the best this CPU has; DESCEND_SIMD={forced!r} ignored"
    return f"DESCEND_SIMD={forced}"


def machine(peers: dict[str, ModuleType]) -> Machine:
    """Describe the machine and the peers' versions (the report's ``machine``)."""
    threads, source = thread_source()
    return Machine(
        cpu=cpu(),
        cores=os.cpu_count() or 1,
        python=platform.python_version(),
        numpy=np.__version__,
        descend=ds.__version__,
        build=_core.build(),
        simd=ds.simd_level(),
        threads_default=threads,
        threads_source=source,
        peers={name: str(module.version()) for name, module in peers.items()},
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )


def info() -> str:
    """Return what ``python -m descend info`` prints."""
    peers, missing = load_peers(list(PEERS))
    m = machine(peers)
    lines: list[tuple[str, Any]] = [
        ("descend", f"{m['descend']} ({m['build']})"),
        ("SIMD", f"{m['simd']} ({simd_source()})"),
        ("threads", f"{m['threads_default']} from {m['threads_source']}"),
        ("CPU", f"{m['cpu']}, {m['cores']} cores, {last_level_cache() >> 20} MiB last-level cache"),
        ("python", m["python"]),
        ("numpy", m["numpy"]),
    ]
    lines += [(f"peer {name}", version) for name, version in m["peers"].items()]
    lines += [(f"peer {name}", f"missing ({why})") for name, why in missing.items()]
    width = max(len(k) for k, _ in lines)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in lines)
