"""``python -m descend bench``: descend against every installed peer, against the roofline.

For each kernel of the table (``_kernels``), size, dtype and thread count, descend and every
installed peer (idiomatic numpy, numpy with ``out=``, torch, JAX, numba; missing ones are
skipped and listed) run on the same arrays, timed interleaved with the Rust probe that does
only the kernel's memory traffic (``_probes``), and checked against ``descend.reference``.
Every result is reported as time, GB/s of counted bytes, % of the probe (its roofline) and
relative error; exp-bound kernels also as ns per element beside the vector-exp probe's.

The repository's ``benches/report.py`` runs the same measurement and adds what belongs to the
repository: the performance targets, criterion's times, the README's headline, and the
re-rendering of a committed report.

Examples
--------
``python -m descend bench --kernels mse_loss,Adam --sizes 1e4,1e6 --threads 1,2``
``python -m descend bench --fast --json out.json`` (tiny sizes, one repeat: a smoke test)
"""

from descend.bench._cli import configure, main, parse, parse_args, parser, write
from descend.bench._info import info
from descend.bench._run import run, run_rows, select
from descend.bench._schema import validate

__all__ = [
    "configure",
    "info",
    "main",
    "parse",
    "parse_args",
    "parser",
    "run",
    "run_rows",
    "select",
    "validate",
    "write",
]
