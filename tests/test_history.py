"""Progress display of fit, and the History with its plots."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

import descend as ds
from _training import TinySGD, quiet_fit, two_blobs
from descend import models

# --- progress --------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_without_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    quiet_fit()
    assert capsys.readouterr() == ("", "")


def test_progress_plain_line_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
    quiet_fit()
    text = terminal.getvalue()
    assert text.count("\r") == 3 and "epoch 3/3  loss " in text and text.endswith("\n")
    terminal.truncate(0)
    quiet_fit(progress=False)
    assert terminal.getvalue() == ""


def test_progress_with_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    quiet_fit()
    assert "3/3" in terminal.getvalue() and "epoch" in terminal.getvalue()


# --- history and plots -----------------------------------------------------------------------


def test_history_plot_writes_a_png(tmp_path: Path) -> None:
    X, labels = two_blobs(64, 0)
    history = ds.fit(
        models.MLP([2, 4, 2], seed=0),
        X,
        labels,
        loss=ds.cross_entropy,
        optimizer=lambda p: TinySGD(p),
        epochs=4,
        metrics=("accuracy",),
        val=two_blobs(32, 1),
    )
    path = tmp_path / "history.png"
    history.plot(path)
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 400  # three panels in a row
    runs = [history, quiet_fit(4)]
    ds.plot_histories(runs, tmp_path / "runs.png", labels=["blobs", "line"])
    assert (tmp_path / "runs.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="labels has 1 names for 2 histories"):
        ds.plot_histories(runs, tmp_path / "x.png", labels=["one"])
    with pytest.raises(ValueError, match="no epochs"):
        ds.History().plot(tmp_path / "empty.png")


def test_history_pads_late_keys() -> None:
    history = ds.History()
    history.append(0, {"loss": 1.0})
    history.append(1, {"loss": 0.5, "extra": 3.0})
    assert history["loss"] == [1.0, 0.5]
    assert np.isnan(history["extra"][0]) and history["extra"][1] == 3.0
    assert "extra" in history and len(history) == 2


def test_plot_without_matplotlib_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    history = quiet_fit(2)
    with pytest.raises(ImportError, match=r"pip install descend\[plot\]"):
        history.plot(tmp_path / "h.png")
    assert not (tmp_path / "h.png").exists()
