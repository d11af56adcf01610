"""criterion's times of the Rust core alone beside descend's from Python: the binding overhead.

``make bench`` runs criterion's benches of descend-core (``benches/rust``) before the Python
benchmark; each criterion benchmark with a Python twin at N = 100 (1 thread, float32) is read
from ``target/criterion`` and divided into descend's time from Python, so the report says how
much of a small call is the binding.
"""

from __future__ import annotations

import json
import os

from descend.bench._report import md_table, seconds
from descend.bench._schema import Overhead, Report, Row

# criterion benchmark ids (group/function/parameter) of the Python rows at N = 100, 1 thread.
CRITERION = {
    "mse_loss.value_and_grad": "value_and_grad_f32/mse_loss/100",
    "huber_loss.value_and_grad": "value_and_grad_f32/huber_loss/100",
    "log_cosh_loss.value_and_grad": "value_and_grad_f32/log_cosh_loss/100",
    "binary_cross_entropy_with_logits.value_and_grad": (
        "value_and_grad_f32/binary_cross_entropy_with_logits/100"
    ),
    "cross_entropy C=1000.value_and_grad": "cross_entropy_f32/C=1000/1000",
    "cross_entropy C=10.value_and_grad": "cross_entropy_f32/C=10/100",
    "SGD.step": "step_f32/sgd/100",
    "Adam.step": "step_f32/adam/100",
}


def binding_overhead(rows: list[Row], criterion: str) -> dict[str, Overhead]:
    """Divide descend's Python time by criterion's Rust time (N = 100, 1 thread, float32).

    ``criterion`` is criterion's output directory (``target/criterion``); a benchmark it lacks,
    or a row the report lacks, is left out.
    """
    out: dict[str, Overhead] = {}
    for key, bench in CRITERION.items():
        path = os.path.join(criterion, *bench.split("/"), "new", "estimates.json")
        row = next(
            (r for r in rows if f"{r['kernel']}.{r['op']}" == key and r["n"] == 100
             and r["threads"] == 1 and r["dtype"] == "float32" and "descend" in r["results"]),
            None,
        )  # fmt: skip
        if row is None or not os.path.exists(path):
            continue
        with open(path) as f:
            rust = json.load(f)["median"]["point_estimate"] * 1e-9
        python = row["results"]["descend"]["median_s"]
        out[key] = Overhead(python_s=python, rust_s=rust, ratio=python / rust)
    return out


def markdown(report: Report) -> list[str]:
    """Render the report's binding overhead as a Markdown section (none without it)."""
    if not report["binding_overhead"]:
        return []
    lines = [
        [f"`{k}`", seconds(v["python_s"]), seconds(v["rust_s"]), f"{v['ratio']:.2f}"]
        for k, v in report["binding_overhead"].items()
    ]
    head = ["kernel", "from Python", "Rust alone (criterion)", "ratio"]
    return ["## Binding overhead (N = 100, 1 thread, float32)\n", md_table(head, lines)]
