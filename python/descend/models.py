"""Small numpy models for `descend.fit`: a linear model and a multi-layer perceptron.

Layers are dense: ``z = a @ W + b`` with ``W`` of shape (n_in, n_out) (numpy's row-major
convention; torch's ``nn.Linear`` stores the transpose) and ``b`` of shape (n_out,). Hidden
layers go through descend's activation kernels (``ds.relu``, ``ds.tanh``, ``ds.gelu``), whose
``.grad`` gives the backward pass; the last layer has no activation, so the output is logits
for a classification loss or predictions for a regression loss.

Every model has the same three members, which is all `descend.fit` relies on:

- ``params``: the list ``[W1, b1, W2, b2, …]`` of C-contiguous arrays of the model's dtype.
  Optimizers update them in place; the model reads them on every call, so they must never be
  rebound (assign into them, ``p[...] = v``, if needed).
- ``forward(X)``: the output for a batch ``X`` of shape (n, n_in), cached for ``backward``.
- ``backward(d_output)``: given d(loss)/d(output) for the last forward, the gradients of the
  loss with respect to ``params``, in the same order and dtype (chain rule through the cache).

Initialisation (seeded through ``numpy.random.default_rng(seed)``; biases start at zero): a
layer followed by relu or gelu draws ``W`` from He/Kaiming uniform, U(±√(6 / n_in)); one
followed by tanh, and the last layer (no activation), from Xavier/Glorot uniform,
U(±√(6 / (n_in + n_out))).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from descend import activations
from descend._activation import Activation
from descend._batches import Seed, _count

__all__ = ["MLP", "LinearModel"]

ActivationName = Literal["relu", "tanh", "gelu"]

_ACTIVATIONS: dict[str, tuple[Activation[Any], bool]] = {
    # name: (kernel, He initialisation rather than Glorot)
    "relu": (activations.relu, True),
    "gelu": (activations.gelu, True),
    "tanh": (activations.tanh, False),
}


class MLP:
    """Multi-layer perceptron: dense layers with an activation between them.

    Parameters
    ----------
    sizes : sequence of int
        Widths from input to output, at least two: ``[4, 16, 3]`` is 4 inputs, one hidden
        layer of 16 units, 3 outputs.
    activation : {"relu", "tanh", "gelu"}
        Activation after every layer but the last (gelu is the exact, erf form).
    seed : int, numpy.random.Generator or None
        Seed of the initialisation (see the module docstring for the scheme).
    dtype : float32 or float64
        Dtype of the parameters, the output and the gradients; inputs are converted to it.

    Attributes
    ----------
    params : list of numpy.ndarray
        ``[W1, b1, W2, b2, …]``, updated in place by optimizers.
    sizes : tuple of int
        The layer widths.
    dtype : numpy.dtype
        The parameters' dtype.

    Raises
    ------
    ValueError
        Widths below 1, fewer than two of them, an unknown ``activation``; at ``forward``, an
        ``X`` of another number of columns; at ``backward``, a gradient of another shape than
        the last output.
    TypeError
        A ``dtype`` other than float32 or float64, widths that are not integers.
    RuntimeError
        ``backward`` before any ``forward``.

    Notes
    -----
    torch's ``nn.Sequential`` of ``nn.Linear`` layers and activations [1]_, with the weights
    transposed (``a @ W``) and torch's initialisation schemes (see the module docstring): He
    [2]_ before relu and gelu, Glorot [3]_ elsewhere.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.Linear``.
    .. [2] K. He, X. Zhang, S. Ren and J. Sun, "Delving Deep into Rectifiers: Surpassing
       Human-Level Performance on ImageNet Classification", ICCV, 2015.
    .. [3] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
       neural networks", AISTATS, 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from descend.models import MLP
    >>> model = MLP([2, 8, 1], activation="tanh", seed=0)
    >>> [p.shape for p in model.params]
    [(2, 8), (8,), (8, 1), (1,)]
    >>> out = model.forward(np.ones((5, 2)))
    >>> grads = model.backward(np.ones_like(out) / out.size)
    >>> [g.shape == p.shape for g, p in zip(grads, model.params)]
    [True, True, True, True]
    """

    def __init__(
        self,
        sizes: Sequence[int],
        *,
        activation: ActivationName = "relu",
        seed: Seed = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a sequence of ints, got {type(sizes).__name__}")
        if len(sizes) < 2:
            raise ValueError(f"sizes needs an input and an output width, got {list(sizes)}")
        self.sizes = tuple(_count(f"sizes[{i}]", n, minimum=1) for i, n in enumerate(sizes))
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}"
            )
        self.activation = activation
        self._act, he = _ACTIVATIONS[activation]
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"dtype must be float32 or float64, got {self.dtype}")
        rng = np.random.default_rng(seed)
        self.params: list[NDArray[np.floating[Any]]] = []
        last = len(self.sizes) - 2
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True)):
            fan = n_in if he and i < last else n_in + n_out
            bound = np.sqrt(6.0 / fan)
            weight = rng.uniform(-bound, bound, size=(n_in, n_out)).astype(self.dtype)
            self.params += [weight, np.zeros(n_out, dtype=self.dtype)]
        # Inputs of each layer and pre-activations of each hidden layer, from the last forward.
        self._inputs: list[NDArray[np.floating[Any]]] | None = None
        self._pre: list[NDArray[np.floating[Any]]] = []

    def __repr__(self) -> str:
        """Show the layer widths, activation and dtype."""
        return (
            f"{type(self).__name__}({list(self.sizes)}, activation={self.activation!r}, "
            f"dtype={self.dtype.name})"
        )

    def forward(self, X: ArrayLike) -> NDArray[np.floating[Any]]:
        """Return the output, shape (n, n_out), for ``X`` of shape (n, n_in).

        The layer inputs and pre-activations are cached for `backward`.
        """
        a = np.asarray(X, dtype=self.dtype)
        if a.ndim != 2 or a.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n, {self.sizes[0]}), got {a.shape}")
        inputs, pre = [], []
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            inputs.append(a)
            z: NDArray[np.floating[Any]] = a @ self.params[2 * i] + self.params[2 * i + 1]
            if i < n_layers - 1:
                pre.append(z)
                a = self._act(z)
        self._inputs, self._pre = inputs, pre
        return z

    def backward(self, d_output: ArrayLike) -> list[NDArray[np.floating[Any]]]:
        """Return d(loss)/d(params) given ``d_output`` = d(loss)/d(output) of the last forward.

        Raises
        ------
        RuntimeError
            If no forward has run.
        ValueError
            If ``d_output``'s shape is not the last output's.
        """
        if self._inputs is None:
            raise RuntimeError("backward needs the cache of a forward call; call forward first")
        delta = np.asarray(d_output, dtype=self.dtype)
        expected = (self._inputs[0].shape[0], self.sizes[-1])
        if delta.shape != expected:
            raise ValueError(f"d_output has shape {delta.shape} but the output has {expected}")
        grads: list[NDArray[np.floating[Any]]] = []
        for i in reversed(range(len(self._inputs))):
            grads[:0] = [self._inputs[i].T @ delta, delta.sum(axis=0)]
            if i > 0:
                delta = self._act.grad(self._pre[i - 1], delta @ self.params[2 * i].T)
        return grads


class LinearModel(MLP):
    """Linear (affine) model ``X @ W + b``: an `MLP` without hidden layers.

    ``W`` of shape (n_in, n_out) starts Xavier/Glorot uniform, ``b`` at zero.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    seed : int, numpy.random.Generator or None
        Seed of the initialisation.
    dtype : float32 or float64
        Dtype of the parameters, the output and the gradients.

    Raises
    ------
    ValueError
        Widths below 1, fewer than two of them, an unknown ``activation``; at ``forward``, an
        ``X`` of another number of columns; at ``backward``, a gradient of another shape than
        the last output.
    TypeError
        A ``dtype`` other than float32 or float64, widths that are not integers.
    RuntimeError
        ``backward`` before any ``forward``.

    Notes
    -----
    torch's ``nn.Linear(n_in, n_out)`` [1]_ with its weight transposed, initialised from
    Glorot's uniform distribution [2]_. With ``mse_loss`` it is linear regression, with
    ``cross_entropy`` softmax (multinomial logistic) regression.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.Linear``.
    .. [2] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
       neural networks", AISTATS, 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from descend.models import LinearModel
    >>> model = LinearModel(2, 1, seed=0)
    >>> model.params[0][...] = [[2.0], [-1.0]]
    >>> model.forward(np.array([[1.0, 1.0], [3.0, 0.0]]))
    array([[1.],
           [6.]])
    >>> gW, gb = model.backward(np.array([[1.0], [1.0]]))
    >>> gW.ravel().tolist(), gb.tolist()
    ([4.0, 1.0], [2.0])
    """

    def __init__(
        self, n_in: int, n_out: int, *, seed: Seed = None, dtype: DTypeLike = np.float64
    ) -> None:
        sizes = [_count("n_in", n_in, minimum=1), _count("n_out", n_out, minimum=1)]
        super().__init__(sizes, seed=seed, dtype=dtype)

    def __repr__(self) -> str:
        """Show the widths and dtype."""
        return f"LinearModel({self.sizes[0]}, {self.sizes[1]}, dtype={self.dtype.name})"
