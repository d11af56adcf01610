"""THE table of benchmarked kernels, their inputs, their traffic and descend's own calls.

One row per loss (:data:`LOSSES`), activation (:data:`ACTIVATIONS`) or optimizer
(:data:`OPTIMIZERS`); :func:`kernels` expands them into the timed kernels (a loss's or an
activation's value, grad and value_and_grad; an optimizer's step on one tensor and on 200).
A new kernel joins with one row here; a peer that has it adds one entry in its own module, and
rows a peer lacks show as "—".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

import descend as ds
from descend.bench._measure import Impl, Output

Array = np.ndarray[Any, Any]
Draw = Callable[[np.random.Generator, int, Any], tuple[Array, ...]]

LOSS_OPS = ("value", "grad", "value_and_grad")
STEP_OPS = ("step", "step_x4", "step_x200")
# descend's step over a many-tensor row's elements as one tensor (timed beside it).
ONE_TENSOR = "descend one tensor"
TENSORS = {"step": 1, "step_x4": 4, "step_x200": 200}
# Ops timed only up to this many elements: four tensors measure the cost of a small model's
# call; at a million elements they are the one-tensor row again.
LARGEST = {"step_x4": 10_000}


@dataclass(frozen=True)
class Streams:
    """The traffic a kernel cannot avoid, in arrays of its element count.

    Arrays read, written (fresh or into ``out=``) and updated in place; labels are counted
    apart.
    """

    reads: int
    writes: int = 0
    updates: int = 0

    @property
    def units(self) -> int:
        """Element-sized transfers: an updated array is read and written back."""
        return self.reads + self.writes + 2 * self.updates

    def __str__(self) -> str:
        parts = [f"{self.reads}R"]
        parts += [f"{self.writes}W"] if self.writes else []
        parts += [f"{self.updates}U"] if self.updates else []
        return " ".join(parts)


@dataclass(frozen=True)
class Kernel:
    """One timed kernel: a function of descend, an operation, how to draw its inputs."""

    name: str  # as selected with --kernels: "mse_loss", "cross_entropy C=1000", "Adam"
    op: str  # "value" | "grad" | "value_and_grad" | "step" | "step_x4" | "step_x200"
    family: str  # "pointwise" | "rowwise" | "activation" | "optim" | "clip"
    function: str  # the attribute of descend: "cross_entropy", "Adam", ...
    streams: Streams
    bound: str = "memory"  # or "exp": exponentials or logarithms, not memory, bound it
    draw: Draw | None = None  # loss inputs; optimizers draw parameters and gradients
    options: dict[str, Any] = field(default_factory=dict)
    classes: int = 0  # row-wise losses: the class count C of (N/C, C) inputs
    exact_probe: bool = True  # optimizers: whether the in-place probe has the same streams

    @property
    def key(self) -> str:
        """``name.op``, unique over the table."""
        return f"{self.name}.{self.op}"

    @property
    def tensors(self) -> int:
        """Tensors an optimizer step or clip takes (the N elements split among them)."""
        return TENSORS.get(self.op, 1)

    def runs_at(self, n: int) -> bool:
        """Whether the kernel is timed at ``n`` elements."""
        return n <= LARGEST.get(self.op, n)


@dataclass
class Problem:
    """The arrays one kernel runs on at one size and dtype.

    Implementations copy what they change, so every one starts from the same state.
    """

    kernel: Kernel
    dtype: Any
    elements: int
    inputs: tuple[Array, ...] = ()  # loss inputs, positional
    params: list[Array] = field(default_factory=list)  # optimizer parameters (or clip grads)
    grads: list[Array] = field(default_factory=list)
    requested: int = 0  # the size asked for (row-wise shapes round it to whole rows)
    want: Output | None = None  # the reference's result, once computed

    @property
    def nbytes(self) -> int:
        """Bytes the kernel cannot avoid moving (see :class:`Streams`; labels included)."""
        item = np.dtype(self.dtype).itemsize
        labels = sum(a.nbytes for a in self.inputs if a.dtype.kind == "i")
        return int(self.kernel.streams.units * self.elements * item + labels)


# Input draws (the domains of tests/cases.py): (rng, n, dtype) -> inputs.


def _normal(rng: np.random.Generator, n: int, dtype: Any) -> Array:
    return (rng.standard_normal(n) * 3.0).astype(dtype)


def _uniform(rng: np.random.Generator, n: int, dtype: Any, low: float, high: float) -> Array:
    return rng.uniform(low, high, n).astype(dtype)


def _signs(rng: np.random.Generator, n: int, dtype: Any) -> Array:
    return rng.choice(np.array([-1.0, 1.0], dtype), n)


def normal_pair(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
    """Prediction and target, both normal with σ = 3."""
    return _normal(rng, n, dtype), _normal(rng, n, dtype)


def logits_probability(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
    """Logits and soft targets in [0, 1]."""
    return _normal(rng, n, dtype), _uniform(rng, n, dtype, 0.0, 1.0)


def probabilities(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
    """Probabilities inside (0, 1) and soft targets."""
    return _uniform(rng, n, dtype, 0.01, 0.99), _uniform(rng, n, dtype, 0.0, 1.0)


def poisson(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
    """Log-rates and counts."""
    return _uniform(rng, n, dtype, -3.0, 3.0), rng.poisson(2.0, n).astype(dtype)


def kl(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
    """Log-probabilities and probabilities with exact zeros (0·log 0 = 0)."""
    y = np.where(rng.random(n) < 0.2, 0.0, rng.uniform(0.0, 1.0, n))
    return np.log(rng.uniform(0.01, 1.0, n)).astype(dtype), y.astype(dtype)


def signed(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
    """Scores and ±1 targets."""
    return _normal(rng, n, dtype), _signs(rng, n, dtype)


def gaussian(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
    """Mean, target and a positive variance."""
    return _normal(rng, n, dtype), _normal(rng, n, dtype), _uniform(rng, n, dtype, 0.5, 2.0)


def rows_labels(classes: int, log_probs: bool = False) -> Draw:
    """(N/C, C) scores and int64 labels."""

    def draw(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
        rows = max(1, n // classes)
        x = rng.standard_normal((rows, classes)) * 3.0
        if log_probs:
            x = x - np.log(np.sum(np.exp(x), axis=1, keepdims=True))
        return x.astype(dtype), rng.integers(0, classes, rows)

    return draw


def rows_dense(classes: int) -> Draw:
    """(N/C, C) scores and 0/1 multi-label targets."""

    def draw(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
        rows = max(1, n // classes)
        x = rng.standard_normal((rows, classes)) * 3.0
        return x.astype(dtype), (rng.random((rows, classes)) < 0.3).astype(dtype)

    return draw


@dataclass(frozen=True)
class LossRow:
    """A loss: its draw, what bounds it, its input streams, class count if row-wise."""

    name: str
    draw: Draw
    bound: str = "memory"
    reads: int = 2
    classes: int = 0
    label: str = ""  # the kernel's name when the loss appears more than once
    grad_reads: int | None = None  # where the gradient alone reads fewer arrays


LOSSES: tuple[LossRow, ...] = (
    LossRow("mse_loss", normal_pair),
    LossRow("l1_loss", normal_pair),
    LossRow("huber_loss", normal_pair),
    LossRow("smooth_l1_loss", normal_pair),
    LossRow("log_cosh_loss", normal_pair, "exp"),
    LossRow("quantile_loss", normal_pair),
    LossRow("poisson_nll_loss", poisson, "exp"),
    LossRow("binary_cross_entropy", probabilities, "exp"),
    LossRow("binary_cross_entropy_with_logits", logits_probability, "exp"),
    # The gradient −y/N never reads the input.
    LossRow("kl_div", kl, "exp", grad_reads=1),
    LossRow("soft_margin_loss", signed, "exp"),
    LossRow("hinge_embedding_loss", signed),
    LossRow("gaussian_nll_loss", gaussian, "exp", reads=3),
    LossRow("cross_entropy", rows_labels(1000), "exp", 1, 1000, "cross_entropy C=1000"),
    LossRow("cross_entropy", rows_labels(10), "exp", 1, 10, "cross_entropy C=10"),
    LossRow("nll_loss", rows_labels(10, log_probs=True), reads=0, classes=10),
    LossRow("multi_margin_loss", rows_labels(10), reads=1, classes=10),
    LossRow("multilabel_soft_margin_loss", rows_dense(10), "exp", 2, 10),
)


def activation_input(rows: bool) -> Draw:
    """Input and upstream gradient; (N/1000, 1000) for activations along a dimension."""

    def draw(rng: np.random.Generator, n: int, dtype: Any) -> tuple[Array, ...]:
        shape = (max(1, n // 1000), 1000) if rows else (n,)
        x, u = rng.standard_normal(shape) * 3.0, rng.standard_normal(shape)
        return x.astype(dtype), u.astype(dtype)

    return draw


@dataclass(frozen=True)
class ActivationRow:
    """An activation: whether it works along a dimension (rows of 1000), what bounds it."""

    name: str
    rows: bool = False
    bound: str = "exp"


ACTIVATIONS: tuple[ActivationRow, ...] = (
    ActivationRow("softmax", rows=True),
    ActivationRow("log_softmax", rows=True),
    ActivationRow("sigmoid"),
    ActivationRow("log_sigmoid"),
    ActivationRow("softplus"),
    ActivationRow("relu", bound="memory"),
    ActivationRow("leaky_relu", bound="memory"),
    ActivationRow("elu"),
    ActivationRow("tanh"),
    ActivationRow("gelu"),
    ActivationRow("silu"),
)
# An activation's value reads x and writes y; its gradient (the vector-Jacobian product with
# an upstream u) reads x and u and writes one array; value_and_grad writes both.
ACTIVATION_STREAMS = {
    "value": Streams(1, 1),
    "grad": Streams(2, 1),
    "value_and_grad": Streams(2, 2),
}


@dataclass(frozen=True)
class OptimizerRow:
    """An optimizer with its benchmark options and the streams one step moves."""

    name: str
    streams: Streams
    options: dict[str, Any] = field(default_factory=dict)
    exact_probe: bool = True


OPTIMIZERS: tuple[OptimizerRow, ...] = (
    OptimizerRow("SGD", Streams(1, updates=2), {"lr": 1e-3, "momentum": 0.9}),
    OptimizerRow("Adam", Streams(1, updates=3)),
    OptimizerRow("AdamW", Streams(1, updates=3)),
    OptimizerRow("Adagrad", Streams(1, updates=2)),
    OptimizerRow("Adamax", Streams(1, updates=3)),
    OptimizerRow("NAdam", Streams(1, updates=3)),
    OptimizerRow("RAdam", Streams(1, updates=3)),
    OptimizerRow("Lion", Streams(1, updates=2)),
    OptimizerRow("RMSprop", Streams(1, updates=2)),
    OptimizerRow("Adadelta", Streams(1, updates=3)),
    OptimizerRow("Rprop", Streams(1, updates=3)),
    # ax is written from p while t < t0 (copied, not read).
    OptimizerRow("ASGD", Streams(1, updates=2), exact_probe=False),
    # A read-only first pass (g, p; m and v updated) for the trust ratio, then p moves: its
    # bytes count, and the in-place probe (1 read, 3 updated) does not have them.
    OptimizerRow("LAMB", Streams(2 + 2, updates=3), exact_probe=False),
)

# clip_grad_norm_ reads every gradient for the norm, then scales them in place.
CLIP = OptimizerRow("clip_grad_norm_", Streams(1, updates=1), {"max_norm": 1.0}, False)
# Every timed clip must clip, as it does for a step's new gradients. After one call at a fixed
# bound the norm is that bound, and later calls would find nothing to clip: descend then only
# reads (its norm-only path) while torch and numpy multiply by 1. So call k clips to
# max_norm·CLIP_DECAY^k, just below the norm the call before left (far above torch's 1e-6).
# A cycle's restart leaves one call in CLIP_PERIOD unclipped, for every implementation alike.
CLIP_DECAY = 1 - 2**-16
CLIP_PERIOD = 1 << 15


def clip_bounds(max_norm: float) -> Iterator[float]:
    """Return the max_norm of each successive call of one clip implementation (CLIP_DECAY)."""
    return itertools.cycle([max_norm * CLIP_DECAY**k for k in range(CLIP_PERIOD)])


def kernels() -> tuple[Kernel, ...]:
    """Every kernel of the table, in order (clip_grad_norm_ only where descend has it)."""
    out: list[Kernel] = []
    for row in LOSSES:
        family = "rowwise" if row.classes else "pointwise"
        for op in LOSS_OPS:
            # The gradient has the input's size; gaussian_nll_loss also returns d_var.
            writes = 0 if op == "value" else (2 if row.name == "gaussian_nll_loss" else 1)
            reads = row.grad_reads if op == "grad" and row.grad_reads else row.reads
            streams = Streams(reads, writes)
            name = row.label or row.name
            kernel = Kernel(name, op, family, row.name, streams, row.bound, row.draw)
            out.append(replace(kernel, classes=row.classes))
    for a in ACTIVATIONS:
        draw = activation_input(a.rows)
        for op in LOSS_OPS:
            s = ACTIVATION_STREAMS[op]
            out.append(Kernel(a.name, op, "activation", a.name, s, a.bound, draw))
    rows = OPTIMIZERS + ((CLIP,) if hasattr(ds, CLIP.name) else ())
    for o in rows:
        family = "clip" if o is CLIP else "optim"
        for op in STEP_OPS:
            kernel = Kernel(o.name, op, family, o.name, o.streams, options=o.options)
            out.append(replace(kernel, exact_probe=o.exact_probe))
    return tuple(out)


def split(n: int, tensors: int) -> list[int]:
    """Sizes of ``tensors`` tensors totalling ``n`` elements (at least one each)."""
    tensors = min(tensors, max(n, 1))
    base = n // tensors
    return [base + (1 if i < n % tensors else 0) for i in range(tensors)]


def problem(kernel: Kernel, n: int, dtype: Any, seed: int = 0) -> Problem:
    """Draw the arrays of ``kernel`` at ``n`` elements, the same for every implementation."""
    rng = np.random.default_rng(seed)
    if kernel.draw is not None:
        inputs = kernel.draw(rng, n, dtype)
        return Problem(kernel, dtype, int(inputs[0].size), inputs=inputs, requested=n)
    shapes = split(n, kernel.tensors)
    params = [rng.standard_normal(k).astype(dtype) for k in shapes]
    grads = [rng.standard_normal(k).astype(dtype) for k in shapes]
    return Problem(kernel, dtype, sum(shapes), params=params, grads=grads, requested=n)


def descend_impls(p: Problem) -> dict[str, Impl]:
    """Return descend's calls: into preallocated ``out=``, and allocating ("descend fresh")."""
    k = p.kernel
    f = getattr(ds, k.function)
    if k.family in ("pointwise", "rowwise"):
        if k.op == "value":
            return {"descend": Impl(lambda: f(*p.inputs))}
        method = f.grad if k.op == "grad" else f.value_and_grad
        out = np.empty_like(p.inputs[0])
        return {
            "descend": Impl(lambda: method(*p.inputs, out=out)),
            "descend fresh": Impl(lambda: method(*p.inputs), fresh=True),
        }
    if k.family == "activation":
        return _activation_impls(p)
    grads = [g.copy() for g in p.grads]
    if k.family == "clip":
        bounds = clip_bounds(k.options["max_norm"])
        clip = Impl(lambda: f(grads, max_norm=next(bounds)), result=lambda _: (None, grads))
        return {"descend": clip}
    params = [q.copy() for q in p.params]
    opt = f(params, **k.options)
    impls = {"descend": Impl(lambda: opt.step(grads), result=lambda _: (None, params))}
    if len(params) > 1:
        # The same elements as one tensor, timed in the same loop: the many-tensor cost
        # without the drift between two rows measured minutes apart.
        whole, whole_grad = [np.concatenate(params)], [np.concatenate(grads)]
        cuts = np.cumsum([q.size for q in params[:-1]])
        one = f(whole, **k.options)
        # Its own reference: an update with a per-tensor factor (LAMB's trust ratio) differs
        # between one tensor and many.
        single = replace(p, params=[np.concatenate(p.params)], grads=[np.concatenate(p.grads)])
        _, (stepped,) = reference(single)
        impls[ONE_TENSOR] = Impl(
            lambda: one.step(whole_grad),
            result=lambda _: (None, np.split(whole[0], cuts)),
            want=optimizer_output(p, (None, np.split(stepped, cuts))),
        )
    return impls


def _activation_impls(p: Problem) -> dict[str, Impl]:
    k = p.kernel
    f = getattr(ds, k.function)
    x, u = p.inputs
    out = np.empty_like(x)
    if k.op == "value":
        return {
            "descend": Impl(lambda: f(x, out=out)),
            "descend fresh": Impl(lambda: f(x), fresh=True),
        }
    method = f.grad if k.op == "grad" else f.value_and_grad
    return {
        # value_and_grad's value is a fresh array in both: out= receives the gradient.
        "descend": Impl(lambda: method(x, u, out=out)),
        "descend fresh": Impl(lambda: method(x, u), fresh=True),
    }


def reference(p: Problem) -> Output:
    """Compute the kernel's result with ``descend.reference`` (float64).

    Optimizers and clipping give the parameters (gradients) after one call.
    """
    k = p.kernel
    if k.family in ("pointwise", "rowwise"):
        f = getattr(ds.reference, k.function)
        if k.op == "value":
            return float(f(*p.inputs)), []
        if k.op == "grad":
            g = f.grad(*p.inputs)
            return None, list(g) if isinstance(g, tuple) else [g]
        v, g = f.value_and_grad(*p.inputs)
        return float(v), list(g) if isinstance(g, tuple) else [g]
    if k.family == "activation":
        f, (x, u) = getattr(ds.reference, k.function), p.inputs
        arrays = {"value": [f(x)], "grad": [f.grad(x, u)], "value_and_grad": [f(x), f.grad(x, u)]}
        return None, arrays[k.op]
    if k.family == "clip":
        grads = [g.astype(np.float64) for g in p.grads]
        ds.reference.clip_grad_norm_(grads, **k.options)
        return None, grads
    params = [q.astype(np.float64) for q in p.params]
    getattr(ds.reference.optim, k.function)(params, **k.options).step(
        [g.astype(np.float64) for g in p.grads]
    )
    return None, params


def optimizer_output(p: Problem, output: Output) -> Output:
    """Turn an optimizer's parameters after a step into their change from the start.

    The error is then relative to the update, not to the parameters it is a small part of.
    """
    _, arrays = output
    return None, [np.asarray(a, np.float64) - q for a, q in zip(arrays, p.params, strict=True)]
