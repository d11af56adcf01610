"""descend.bench in fast mode: it runs, rows resolve, missing peers skip, outputs are valid."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import descend as ds
from descend import _core, bench
from descend.__main__ import main as cli
from descend.bench import _formulas, _kernels, _measure, _numpy, _probes, _schema
from descend.bench._info import PEERS, info, load_peers, thread_source

FAST = ["--fast", "--quiet", "--peers", "numpy"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One fast run over every kernel, float32, written as JSON."""
    path = tmp_path_factory.mktemp("bench") / "report.json"
    bench.main([*FAST, "--dtypes", "float32", "--json", str(path)])
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def test_every_kernel_row_resolves_to_callables() -> None:
    losses = {row.name for row in _kernels.LOSSES}
    for kernel in _kernels.kernels():
        assert callable(getattr(ds, kernel.function)), kernel.key
        p = _kernels.problem(kernel, 50, np.float32)
        impls = _kernels.descend_impls(p)
        assert impls and all(callable(i.call) for i in impls.values()), kernel.key
        assert p.nbytes > 0, kernel.key
        if kernel.family in ("pointwise", "rowwise", "activation"):
            assert callable(getattr(ds.reference, kernel.function)), kernel.key
            assert "numpy" in _numpy.impls(p), kernel.key
        elif kernel.family == "clip":
            assert callable(getattr(ds.reference, kernel.function)), kernel.key
        else:
            assert callable(getattr(ds.reference.optim, kernel.function)), kernel.key
    # The formula tables and the loss table name the same losses.
    assert set(_formulas.VALUES) == set(_formulas.GRADS) == losses
    activations = {row.name for row in _kernels.ACTIVATIONS}
    assert set(_formulas.ACTIVATION_VALUES) == set(_formulas.ACTIVATION_VJPS) == activations
    assert activations == set(ds.reference.ACTIVATIONS)
    optimizers = {row.name for row in _kernels.OPTIMIZERS}
    assert optimizers <= set(ds.optim.__all__)


def test_a_kernel_joins_with_one_row() -> None:
    keys = [k.key for k in _kernels.kernels()]
    assert len(keys) == len(set(keys))
    expected = 3 * len(_kernels.LOSSES) + 3 * len(_kernels.ACTIVATIONS)
    steps = len(_kernels.STEP_OPS)
    expected += steps * (len(_kernels.OPTIMIZERS) + hasattr(ds, "clip_grad_norm_"))
    assert len(keys) == expected
    assert "cross_entropy C=1000.value_and_grad" in keys
    assert "cross_entropy C=10.value_and_grad" in keys


def test_fast_run_covers_every_kernel_and_checks_results(report: dict[str, Any]) -> None:
    assert report["config"]["repeats"] == 1
    keys = {(r["kernel"], r["op"]) for r in report["rows"]}
    assert keys == {(k.name, k.op) for k in _kernels.kernels()}
    for row in report["rows"]:
        own = row["results"]["descend"]
        assert own["median_s"] > 0 and own["gbps"] > 0 and own["pct_roofline"] > 0
        assert row["probe"]["gbps"] > 0
        # descend agrees with the reference (float32: a few ulp of the result's scale; an
        # optimizer step's error is relative to the update, ~1e-4 from rounding p alone).
        limit = 1e-2 if row["family"] == "optim" else 1e-5
        assert own["rel_error"] is not None and own["rel_error"] < limit, row["kernel"]
        if row["bound"] == "exp":
            assert row["exp_probe_ns"] > 0
        if row["op"] in ("grad", "value_and_grad"):
            assert row["results"]["descend fresh"]["fresh"]


def test_json_validates_against_its_schema(report: dict[str, Any]) -> None:
    assert report["schema"] == _schema.SCHEMA_VERSION
    assert _schema.validate(report) == []
    broken = json.loads(json.dumps(report))
    del broken["rows"][0]["probe"]
    broken["rows"][1]["threads"] = "two"
    broken["stream"][0]["extra"] = 1
    errors = _schema.validate(broken)
    assert any("missing probe" in e for e in errors)
    assert any("threads: expected int" in e for e in errors)
    assert any("unexpected extra" in e for e in errors)


def test_missing_peers_are_skipped_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("torch", "jax", "numba"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if not installed
        monkeypatch.delitem(sys.modules, f"descend.bench._{name}", raising=False)
    found, skipped = load_peers([*PEERS, "nonesuch"])
    assert set(found) == {"numpy"}
    assert set(skipped) == {"torch", "jax", "numba", "nonesuch"}
    report = bench.main(
        ["--fast", "--quiet", "--kernels", "mse_loss,Adam", "--peers", ",".join(PEERS)]
    )
    assert set(report["skipped_peers"]) == {"torch", "jax", "numba"}
    for row in report["rows"]:
        own = {"descend", "descend fresh", "descend one tensor"}
        assert set(row["results"]) <= own | {"numpy", "numpy out="}


def test_markdown_and_plot_are_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    md, png, pdf = tmp_path / "r.md", tmp_path / "r.png", tmp_path / "r.pdf"
    args = [*FAST, "--kernels", "mse_loss.value_and_grad,cross_entropy,Adam.step"]
    bench.main([*args, "--markdown", str(md), "--plot", str(png)])
    bench.main([*args, "--dtypes", "float32", "--plot", str(pdf)])
    text = md.read_text()
    assert "STREAM triad" in text and "## Headline" in text and "cross_entropy C=10" in text
    assert "## Targets" not in text  # the repository's goals, added by benches/report.py
    assert png.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")


def test_clip_grad_norm_row_joins_when_descend_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def clip_grad_norm_(grads: list[Any], max_norm: float, norm_type: float = 2.0) -> float:
        total = float(np.sqrt(sum(float(np.dot(g, g)) for g in grads)))
        for g in grads:
            g *= min(1.0, max_norm / (total + 1e-6))
        return total

    monkeypatch.setattr(ds, "clip_grad_norm_", clip_grad_norm_, raising=False)
    report = bench.main([*FAST, "--kernels", "clip_grad_norm_", "--dtypes", "float32"])
    assert {r["op"] for r in report["rows"]} == {"step", "step_x4", "step_x200"}
    assert not report["skipped_kernels"]
    for row in report["rows"]:
        assert set(row["results"]) == {"descend", "numpy"}
        assert all(r["rel_error"] < 1e-6 for r in row["results"].values())


@pytest.mark.parametrize("peer", ["descend", "numpy"])
def test_every_timed_clip_clips(peer: str) -> None:
    # One call leaves the norm at the bound; at a fixed bound the calls after it would find
    # nothing to clip, and descend would skip its write pass while the peers still write.
    kernel = next(k for k in _kernels.kernels() if k.key == "clip_grad_norm_.step")
    p = _kernels.problem(kernel, 1000, np.dtype(np.float32))
    impl = (_kernels.descend_impls(p) if peer == "descend" else _numpy.impls(p))[peer]
    _, grads = impl.result(impl.call())
    for _ in range(100):
        before = [g.copy() for g in grads]
        impl.call()
        assert all(not np.array_equal(b, g) for b, g in zip(before, grads, strict=True))


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--sizes", "0"], "--sizes"),
        (["--sizes", "1e2,x"], "--sizes"),
        (["--threads", "0"], "--threads"),
        (["--dtypes", "float16"], "--dtypes"),
    ],
)
def test_bad_arguments_name_the_argument(
    args: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        bench.parse(args)
    assert f"argument {named}:" in capsys.readouterr().err


def test_one_tensor_twins_are_checked_against_one_tensor() -> None:
    # LAMB scales each tensor's update by its own trust ratio, so the twin's update differs
    # from the many tensors'; measured against theirs its error was 215.
    report = bench.main([*FAST, "--kernels", "LAMB.step_x200", "--dtypes", "float32"])
    twins = [r["results"][_kernels.ONE_TENSOR] for r in report["rows"]]
    assert twins and all(t["rel_error"] is not None and t["rel_error"] < 1e-3 for t in twins)


def test_reports_name_the_build() -> None:
    build = _core.build()
    assert re.fullmatch(r"rustc \d+\.\d+\.\d+.*; (git [0-9a-f]{12}|no git checkout)", build), build
    assert f"({build})" in info()


def test_repeated_choices_run_once() -> None:
    config = bench.parse(
        ["--sizes", "1e2,100,1e3", "--threads", "1,1", "--dtypes", "float32,float32"]
    )
    assert (config["sizes"], config["threads"], config["dtypes"]) == ([100, 1000], [1], ["float32"])


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "the best this CPU has"),
        ("scalar", "DESCEND_SIMD=scalar"),
        ("bogus", "the best this CPU has; DESCEND_SIMD='bogus' ignored"),
    ],
)
def test_info_names_where_the_simd_path_came_from(value: str | None, shown: str) -> None:
    # The core reads DESCEND_SIMD once per process, so each case runs in its own.
    env = {k: v for k, v in os.environ.items() if k != "DESCEND_SIMD"}
    if value is not None:
        env["DESCEND_SIMD"] = value
    result = subprocess.run(
        [sys.executable, "-m", "descend", "info"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    simd_line = next(line for line in result.stdout.splitlines() if line.startswith("SIMD"))
    assert simd_line.endswith(f"({shown})"), simd_line


def test_info_names_where_the_thread_count_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv("DESCEND_NUM_THREADS", "abc")
    cores = len(os.sched_getaffinity(0))
    with ds.threads(cores):
        assert thread_source() == (cores, f"all cores ({cores}); DESCEND_NUM_THREADS='abc' ignored")
    monkeypatch.setenv("DESCEND_NUM_THREADS", " 3")
    with ds.threads(3):
        assert thread_source() == (3, "DESCEND_NUM_THREADS=3")
    with ds.threads(1):
        assert thread_source() == (1, "set in this process")


def test_elementwise_kernels_are_timed_against_their_exact_traffic() -> None:
    for k in _kernels.kernels():
        if k.family in ("pointwise", "activation"):
            p = _kernels.problem(k, 100, np.dtype(np.float32))
            probe = _probes.roofline(p)
            assert probe.exact and probe.nbytes == p.nbytes, k.key


def test_stream_probe_sums_writes_and_rejects_what_it_lacks() -> None:
    a, b = np.ones(1001, np.float32), np.full(1001, 2.0, np.float32)
    out, other = np.zeros_like(a), np.zeros_like(a)
    assert _probes.stream([a, b], []) == 3003.0
    assert _probes.stream([a, b, a], [out, other]) == 0.0
    assert (out == 4.0).all() and (other == 4.0).all()
    with pytest.raises(ValueError, match="stream_probe takes"):
        _probes.stream([a, b], [out])  # the triad's streams: not this probe's
    with pytest.raises(ValueError):
        _probes.stream([a, b[:10]], [])
    with pytest.raises(TypeError):
        _probes.stream([a, b.astype(np.float64)], [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kernels", "mse_loss.value,nonesuch_loss"], "no such kernel: nonesuch_loss"),
        (["--peers", "numpy,pytorch"], "no such peer: pytorch"),
        (["--sizes", "1e15"], "exceed this machine's memory"),
        (["--budget", "0"], "--budget must be > 0"),
        (["--json", "/nonexistent/report.json"], "no such directory"),
    ],
)
def test_bad_arguments_fail_before_measuring(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        bench.main(["--fast", *args])
    assert exit.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--criterion", "--readme", "--from-json"])
def test_the_repositorys_options_are_not_the_users(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # They belong to benches/report.py, which the wheel does not ship.
    with pytest.raises(SystemExit):
        bench.parse([option, "README.md"])
    assert f"unrecognized arguments: {option}" in capsys.readouterr().err


def test_cli_bench_and_info(capsys: pytest.CaptureFixture[str]) -> None:
    cli(["bench", *FAST, "--kernels", "huber_loss.grad", "--dtypes", "float64"])
    assert capsys.readouterr().out == ""  # --quiet
    cli(["bench", "--fast", "--peers", "numpy", "--kernels", "huber_loss.grad"])
    out = capsys.readouterr().out
    assert "huber_loss.grad" in out and "float64" in out
    cli(["info"])
    out = capsys.readouterr().out
    assert ds.__version__ in out and ds.simd_level() in out and "peer numpy" in out
    with pytest.raises(SystemExit):
        cli(["info", "--bogus"])


def test_measure_interleaves_and_drops_failures() -> None:
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("no kernel")

    impls = {
        "a": _measure.Impl(lambda: calls.append("a") or 1.0),
        "b": _measure.Impl(lambda: calls.append("b") or 2.0),
        "broken": _measure.Impl(broken),
    }
    timings = _measure.measure(impls, repeats=3, budget=0.0)
    assert set(timings) == {"a", "b"}
    assert all(len(t.samples) == 3 for t in timings.values())
    assert timings["b"].output == (2.0, [])


@pytest.mark.parametrize("settle", [False, True])
def test_settled_samples_follow_a_call_of_their_own(settle: bool) -> None:
    calls: list[str] = []

    def call(key: str) -> float:
        calls.append(key)
        return 0.0

    impls = {k: _measure.Impl(functools.partial(call, k)) for k in "ab"}
    _measure.measure(impls, repeats=4, budget=0.0, settle=settle)
    timed = calls[4:]  # after each one's first call and its calibration call
    # Rotated rounds: a b, b a, a b, b a; settled, each sample's call is doubled.
    assert timed == [k for k in "abbaabba" for _ in range(1 + settle)]


def test_samples_run_without_the_garbage_collector() -> None:
    import gc

    seen: list[bool] = []
    _measure.sample(lambda: seen.append(gc.isenabled()), inner=3)
    assert seen == [False] * 3 and gc.isenabled()
    gc.disable()
    try:  # a caller that had it off keeps it off
        _measure.sample(lambda: None, inner=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_relative_error() -> None:
    want = (2.0, [np.array([1.0, -4.0])])
    assert _measure.relative_error(want, want) == 0.0
    assert _measure.relative_error((2.0, [np.array([1.0, -3.0])]), want) == pytest.approx(0.25)
    assert _measure.relative_error((2.2, [np.array([1.0, -4.0])]), want) == pytest.approx(0.1)
    assert np.isnan(_measure.relative_error((2.0, []), want))


def test_four_tensor_steps_run_at_small_sizes_only() -> None:
    config = bench.parse(["--quiet", "--kernels", "Adam.step_x4", "--sizes", "1e2,2e4"])
    quick = {"repeats": 1, "budget": 1e-4, "threads": [1], "dtypes": ["float32"]}
    rows = bench.run_rows(config | quick, {}, own=True)
    assert [(r["op"], r["n"], len(r["results"])) for r in rows] == [("step_x4", 100, 2)]
