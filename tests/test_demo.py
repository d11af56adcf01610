"""``python -m descend demo``: runs end to end, writes readable figures, degrades without
matplotlib; part 4's claims hold on the functions the demo uses."""

from __future__ import annotations

import itertools
import math
import sys
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import descend as ds
from descend import __main__
from descend.demo import (
    PARTS,
    part1_regression,
    part2_digits,
    part3_learning_rate,
    part4_value_vs_gradient,
    part5_gradcheck,
)
from descend.demo._output import SUMMARY

FIGURES = {
    "1-linear-regression.png",
    "2-digits-softmax.png",
    "2-digits-mlp.png",
    "3-learning-rate.png",
    "4-value-vs-gradient.png",
}


def demo(*args: str) -> None:
    __main__.main(["demo", *args])


def test_fast_demo_runs_end_to_end_and_writes_readable_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matplotlib.image import imread

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a diverging or ascending run must not even warn
        demo("--fast", "--out", str(tmp_path))
    out = capsys.readouterr().out
    for number, (title, _) in PARTS.items():
        assert f"{number}. {title}" in out
    assert "diverged" in out and "FAILED" in out and "passed" in out
    assert {p.name for p in tmp_path.iterdir()} == FIGURES  # no summary with matplotlib
    for name in FIGURES:
        path = tmp_path / name
        assert path.stat().st_size > 10_000
        image = imread(path)
        assert image.ndim == 3 and image.shape[0] > 200 and image.shape[1] > 400
        assert image.std() > 0.01  # something is drawn


def test_without_matplotlib_writes_a_text_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # None in sys.modules makes `import matplotlib` (and its submodules) raise ImportError.
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    demo("--fast", "--out", str(tmp_path))
    out = capsys.readouterr().out
    assert "matplotlib is not installed" in out and "figure:" not in out
    assert [p.name for p in tmp_path.iterdir()] == [SUMMARY]
    summary = (tmp_path / SUMMARY).read_text(encoding="utf-8")
    for number, (title, _) in PARTS.items():
        assert f"{number}. {title}" in summary
    assert "bitwise the same weights as MSE: yes" in summary


def test_part_selects_one_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo("--part", "3", "--fast", "--out", str(tmp_path))
    out = capsys.readouterr().out
    assert f"3. {PARTS[3][0]}" in out
    assert not any(f"{n}. {title}" in out for n, (title, _) in PARTS.items() if n != 3)
    assert [p.name for p in tmp_path.iterdir()] == ["3-learning-rate.png"]


def test_help_lists_the_parts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        demo("--help")
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--part", "--fast", "--out"):
        assert option in out
    for number, (title, _) in PARTS.items():
        assert f"{number}. {title}" in " ".join(out.split())


def test_unknown_part_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        demo("--part", "9")
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_shifted_loss_trains_to_bitwise_identical_weights() -> None:
    UserLoss = part4_value_vs_gradient.UserLoss
    plain, plain_params = part4_value_vs_gradient.train(UserLoss(ds.mse_loss), epochs=3)
    shift = part4_value_vs_gradient.SHIFT
    shifted, shifted_params = part4_value_vs_gradient.train(
        UserLoss(ds.mse_loss, shift=-shift), epochs=3
    )
    assert part4_value_vs_gradient.bitwise_equal(shifted_params, plain_params)
    # The value did change: by −2π in every epoch.
    np.testing.assert_allclose(np.array(shifted["loss"]), np.array(plain["loss"]) - shift)
    assert shifted["mse"] == plain["mse"]
    # A different loss gives different weights: the check can fail.
    _, other = part4_value_vs_gradient.train(UserLoss(ds.mse_loss, sign=0.5), epochs=3)
    assert not part4_value_vs_gradient.bitwise_equal(other, plain_params)


def test_negated_loss_ascends_and_maximize_descends() -> None:
    UserLoss = part4_value_vs_gradient.UserLoss
    _, plain_params = part4_value_vs_gradient.train(UserLoss(ds.mse_loss), epochs=10)
    negated, _ = part4_value_vs_gradient.train(UserLoss(ds.mse_loss, sign=-1.0), epochs=10)
    error = negated["mse"]
    assert all(b > a for a, b in itertools.pairwise(error))  # the MSE runs away
    assert error[-1] > 100 * error[0]
    climbed, climbed_params = part4_value_vs_gradient.train(
        UserLoss(ds.mse_loss, sign=-1.0), epochs=10, maximize=True
    )
    assert climbed["loss"][-1] > climbed["loss"][0]  # the objective −MSE goes up
    assert part4_value_vs_gradient.bitwise_equal(climbed_params, plain_params)


def test_diverging_learning_rate_is_reported_not_raised() -> None:
    X, y = part1_regression.line_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = part3_learning_rate.train(X, y, 1e200, epochs=50)  # overflows to inf at once
        large = part3_learning_rate.train(X, y, 1.2, epochs=50)
        fine = part3_learning_rate.train(X, y, 0.5, epochs=50)
    assert huge.diverged_at == 2 and not math.isfinite(huge.history["loss"][-1])
    assert large.diverged_at is not None and large.diverged_at < 50  # stopped once blown up
    assert fine.diverged_at is None and len(fine.history) == 50


def test_gradcheck_part_passes_the_right_gradient_and_reports_the_wrong_one() -> None:
    x = np.array([0.3, -2.0, 0.01, 1.5])
    target = np.zeros_like(x)

    def value(v: np.ndarray) -> float:
        return part5_gradcheck.pseudo_huber(v, target)

    ok, report = part5_gradcheck.check(
        value, lambda v: part5_gradcheck.pseudo_huber_grad(v, target), x
    )
    assert ok and report == ""
    ok, report = part5_gradcheck.check(
        value, lambda v: part5_gradcheck.pseudo_huber_grad_wrong(v, target), x
    )
    assert not ok
    assert report.startswith("gradcheck: 3 of 4 gradient elements mismatch")  # not 0.01's
    assert "index (1,)" in report


def test_digits_ship_with_the_package_and_their_licence() -> None:
    data = resources.files("descend").joinpath("data")
    assert data.joinpath("digits.npz").read_bytes().__len__() < 100_000
    images, labels = part2_digits.load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8 and images.max() == 16
    assert labels.dtype == np.int64
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    notice = data.joinpath("LICENSE").read_text(encoding="utf-8")
    for needed in ("CC BY 4.0", "Alpaydin", "Kaynak", "UCI", "10.24432/C50P49"):
        assert needed in notice
    split = part2_digits.split()
    assert len(split.y_train) + len(split.y_val) == 1797
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-12)
