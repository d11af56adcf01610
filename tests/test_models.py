"""descend.models: gradients by central differences through descend's losses; init; contract."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import descend as ds
from descend.models import MLP, LinearModel

ACTIVATIONS = ["relu", "tanh", "gelu"]


def check_gradients(model: MLP, X: np.ndarray, y: np.ndarray, loss: Any) -> None:
    """Every parameter's gradient from backward against central differences of the loss."""
    for i, param in enumerate(model.params):
        start = param.copy()

        def value(v: np.ndarray, param: np.ndarray = param) -> float:
            param[...] = v
            return float(loss(model.forward(X), y))

        def grad(v: np.ndarray, param: np.ndarray = param, i: int = i) -> np.ndarray:
            param[...] = v
            return model.backward(loss.grad(model.forward(X), y))[i]

        ds.gradcheck(value, grad, start, eps=1e-6, atol=1e-7, rtol=1e-5)
        param[...] = start


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_gradients_through_mse(activation: Any) -> None:
    rng = np.random.default_rng(1)
    model = MLP([3, 5, 4, 2], activation=activation, seed=2)
    X = rng.standard_normal((7, 3))
    y = rng.standard_normal((7, 2))
    check_gradients(model, X, y, ds.mse_loss)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_gradients_through_cross_entropy(activation: Any) -> None:
    rng = np.random.default_rng(3)
    model = MLP([4, 6, 3], activation=activation, seed=4)
    X = rng.standard_normal((9, 4))
    labels = rng.integers(0, 3, size=9)
    check_gradients(model, X, labels, ds.cross_entropy)


def test_linear_gradients_and_closed_form() -> None:
    rng = np.random.default_rng(5)
    model = LinearModel(3, 2, seed=6)
    X = rng.standard_normal((8, 3))
    y = rng.standard_normal((8, 2))
    check_gradients(model, X, y, ds.mse_loss)
    # Closed form of mean squared error: dL/dW = Xᵀ(XW + b − y)·2/(n·k), dL/db = Σ rows.
    W, b = model.params
    residual = X @ W + b - y
    gW, gb = model.backward(ds.mse_loss.grad(model.forward(X), y))
    np.testing.assert_allclose(gW, X.T @ residual * 2 / residual.size, rtol=1e-12)
    np.testing.assert_allclose(gb, residual.sum(axis=0) * 2 / residual.size, rtol=1e-12)


def test_gradcheck_catches_a_wrong_backward() -> None:
    # The check above can fail: a backward that forgets the activation's derivative.
    model = MLP([2, 4, 1], activation="tanh", seed=0)
    model._act = _ForwardOnly(ds.tanh)
    X = np.random.default_rng(0).standard_normal((5, 2))
    with pytest.raises(ds.GradcheckError):
        check_gradients(model, X, np.zeros((5, 1)), ds.mse_loss)


class _ForwardOnly:
    """tanh forward with the identity's backward: a deliberately wrong chain rule."""

    def __init__(self, act: Any) -> None:
        self.act = act

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.act(x))

    def grad(self, x: np.ndarray, upstream: np.ndarray) -> np.ndarray:
        return upstream


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float32_follows_float64(activation: Any) -> None:
    rng = np.random.default_rng(7)
    X = rng.standard_normal((6, 3))
    y = rng.standard_normal((6, 2))
    m64 = MLP([3, 8, 2], activation=activation, seed=8)
    m32 = MLP([3, 8, 2], activation=activation, seed=8, dtype=np.float32)
    for p32, p64 in zip(m32.params, m64.params, strict=True):
        assert p32.dtype == np.float32
        np.testing.assert_array_equal(p32, p64.astype(np.float32))
    out32 = m32.forward(X)
    assert out32.dtype == np.float32
    g32 = m32.backward(ds.mse_loss.grad(out32, y.astype(np.float32)))
    g64 = m64.backward(ds.mse_loss.grad(m64.forward(X), y))
    for a, b in zip(g32, g64, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("activation", "he"), [("relu", True), ("gelu", True), ("tanh", False)])
def test_initialisation_scheme(activation: Any, he: bool) -> None:
    n_in, hidden, n_out = 400, 300, 200
    model = MLP([n_in, hidden, n_out], activation=activation, seed=0)
    W1, b1, W2, b2 = model.params
    bound1 = np.sqrt(6 / n_in) if he else np.sqrt(6 / (n_in + hidden))
    bound2 = np.sqrt(6 / (hidden + n_out))  # the output layer is Glorot whatever the activation
    for W, bound in ((W1, bound1), (W2, bound2)):
        assert np.abs(W).max() <= bound
        # Uniform on ±bound has variance bound²/3; 10⁵ draws pin it to about 1%.
        assert W.var() == pytest.approx(bound**2 / 3, rel=0.03)
        assert abs(W.mean()) < 0.01 * bound
    assert not b1.any() and not b2.any()


def test_seed_reproducible_and_linear_is_glorot() -> None:
    a, b, c = LinearModel(50, 30, seed=1), LinearModel(50, 30, seed=1), LinearModel(50, 30, seed=2)
    np.testing.assert_array_equal(a.params[0], b.params[0])
    assert not np.array_equal(a.params[0], c.params[0])
    np.testing.assert_array_equal(a.params[0], MLP([50, 30], seed=1).params[0])
    assert np.abs(a.params[0]).max() <= np.sqrt(6 / 80)
    assert a.params[0].var() == pytest.approx(6 / 80 / 3, rel=0.1)


def test_params_are_read_on_every_call_and_contiguous() -> None:
    model = LinearModel(2, 1, seed=0)
    params = model.params
    assert all(p.flags.c_contiguous and p.flags.writeable for p in params)
    params[0][...] = [[1.0], [2.0]]
    params[1] -= 0.5  # what an optimizer does: in place
    assert model.params is params
    np.testing.assert_array_equal(model.forward(np.array([[1.0, 1.0]])), [[2.5]])
    grads = model.backward(np.ones((1, 1)))
    assert all(g.flags.c_contiguous for g in grads)
    assert [g.shape for g in grads] == [p.shape for p in params]


def test_errors_name_the_argument() -> None:
    with pytest.raises(RuntimeError, match="forward"):
        MLP([2, 3, 1], seed=0).backward(np.ones((1, 1)))
    model = MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        model.forward(np.ones((4, 3)))
    model.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="d_output"):
        model.backward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="activation"):
        MLP([2, 1], activation="sigmoid")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dtype"):
        MLP([2, 1], dtype=np.float16)
    with pytest.raises(ValueError, match="sizes"):
        MLP([2])
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        MLP([2, 0, 1])
    with pytest.raises(ValueError, match="n_out"):
        LinearModel(2, 0)
