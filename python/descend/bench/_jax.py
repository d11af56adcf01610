"""The JAX peer: ``jax.jit`` of ``value_and_grad`` on device arrays; optax for optimizers.

JAX sizes its thread pool once, when its backend starts, so each thread count runs in its own
process (:func:`run_subprocess`), pinned to that many cores with ``os.sched_setaffinity``
before JAX is imported; the child times JAX interleaved with the same roofline probes and
sends its rows back as JSON. Losses are the array formulas of ``_formulas`` differentiated by
JAX; optimizers are optax's (``donate_argnums`` lets XLA update the buffers in place), where
optax has the rule. Importing this module fails without JAX: the peer is listed as missing.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from descend.bench._formulas import VALUES
from descend.bench._kernels import Problem
from descend.bench._measure import Impl

try:
    import optax
except ImportError:  # optimizers are then not run for JAX
    optax = None

NAME = "jax"
# Typed handles on JAX's untyped functions (mypy --strict, where JAX is installed).
_config: Any = jax.config
ready: Callable[[Any], Any] = jax.block_until_ready
_config.update("jax_enable_x64", True)  # float64 runs; float32 arrays stay float32

# optax's rules with descend's (torch's) defaults, where optax has the rule. optax's NAdam
# (no momentum-decay schedule) and Adagrad (ε inside the square root) are other formulas:
# their error column says so.
OPTAX: dict[str, Callable[[], Any]] = {
    "SGD": lambda: optax.sgd(1e-3, momentum=0.9),
    "Adam": lambda: optax.adam(1e-3),
    "AdamW": lambda: optax.adamw(1e-3, weight_decay=1e-2),
    "Adagrad": lambda: optax.adagrad(1e-2, initial_accumulator_value=0.0, eps=1e-10),
    "Adamax": lambda: optax.adamax(2e-3),
    "NAdam": lambda: optax.nadam(2e-3),
    "RAdam": lambda: optax.radam(1e-3),
    "Lion": lambda: optax.lion(1e-3, b1=0.9, b2=0.99, weight_decay=0.0),
    "RMSprop": lambda: optax.rmsprop(1e-2, decay=0.99, eps=1e-8, eps_in_sqrt=False),
    "Adadelta": lambda: optax.adadelta(1.0, rho=0.9, eps=1e-6),
    "LAMB": lambda: optax.lamb(1e-3),
}


def version() -> str:
    """JAX's version with jaxlib's (its compiler), and optax's when installed."""
    extra = f", optax {optax.__version__}" if optax is not None else ""
    return f"{jax.__version__} (jaxlib {importlib.metadata.version('jaxlib')}){extra}"


def set_threads(n: int) -> None:
    """Nothing: JAX's pool is fixed per process (see :func:`run_subprocess`)."""


def impls(p: Problem) -> dict[str, Impl]:
    """JAX's implementation of ``p`` (optimizers through optax, when installed)."""
    k = p.kernel
    if k.family in ("pointwise", "rowwise"):
        return {NAME: _loss(p)}
    if k.family == "activation":
        return {NAME: _activation(p)}
    if k.family == "optim" and optax is not None and k.function in OPTAX:
        return {NAME: _step(p, OPTAX[k.function]())}
    return {}


def _loss(p: Problem) -> Impl:
    k = p.kernel
    formula = VALUES[k.function]
    wrt = (0, 2) if k.function == "gaussian_nll_loss" else 0

    def f(*a: Any) -> Any:
        return formula(jnp, *a)

    args = [jax.device_put(a) for a in p.inputs]
    if k.op == "value":
        fn = jax.jit(f)
        return Impl(lambda: float(fn(*args)))
    if k.op == "grad":
        fn = jax.jit(jax.grad(f, argnums=wrt))
        return Impl(lambda: ready(fn(*args)), result=_arrays, fresh=True)
    fn = jax.jit(jax.value_and_grad(f, argnums=wrt))

    def both() -> Any:
        value, grad = ready(fn(*args))
        return float(value), grad

    return Impl(both, result=lambda r: (r[0], _arrays(r[1])[1]), fresh=True)


ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "softmax": lambda x: jax.nn.softmax(x, axis=-1),
    "log_softmax": lambda x: jax.nn.log_softmax(x, axis=-1),
    "sigmoid": jax.nn.sigmoid,
    "log_sigmoid": jax.nn.log_sigmoid,
    "softplus": jax.nn.softplus,
    "relu": jax.nn.relu,
    "leaky_relu": jax.nn.leaky_relu,
    "elu": jax.nn.elu,
    "tanh": jnp.tanh,
    "gelu": lambda x: jax.nn.gelu(x, approximate=False),
    "silu": jax.nn.silu,
}


def _activation(p: Problem) -> Impl:
    f = ACTIVATIONS[p.kernel.function]
    x, u = (jax.device_put(a) for a in p.inputs)

    def both(x: Any, u: Any) -> Any:
        y, vjp = jax.vjp(f, x)
        return y, vjp(u)[0]

    fns = {
        "value": jax.jit(f),
        "grad": jax.jit(lambda x, u: both(x, u)[1]),
        "value_and_grad": jax.jit(both),
    }
    fn = fns[p.kernel.op]
    args = (x,) if p.kernel.op == "value" else (x, u)
    return Impl(lambda: ready(fn(*args)), result=_arrays, fresh=True)


def _arrays(grad: Any) -> tuple[None, list[Any]]:
    grads = grad if isinstance(grad, tuple) else (grad,)
    return None, [np.asarray(g) for g in grads]


def _step(p: Problem, tx: Any) -> Impl:
    params = [jax.device_put(q.copy()) for q in p.params]
    grads = [jax.device_put(g) for g in p.grads]
    holder = [params, tx.init(params)]

    def update(params: Any, grads: Any, state: Any) -> Any:
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    step = jax.jit(update, donate_argnums=(0, 2))

    def call() -> None:
        holder[0], holder[1] = ready(step(holder[0], grads, holder[1]))

    return Impl(call, result=lambda _: (None, [np.asarray(q) for q in holder[0]]))


def run_subprocess(config: dict[str, Any], threads: int) -> dict[str, Any]:
    """Run the JAX rows for one thread count in a child pinned to ``threads`` cores."""
    with tempfile.TemporaryDirectory() as tmp:
        spec, out = os.path.join(tmp, "config.json"), os.path.join(tmp, "rows.json")
        with open(spec, "w") as f:
            json.dump({**config, "threads": [threads]}, f)
        cmd = [sys.executable, "-m", "descend.bench._jax", spec, out]
        cores = sorted(os.sched_getaffinity(0))[:threads]
        # Pinned from birth: JAX sizes its pool from the cores it may run on.
        subprocess.run(cmd, check=True, preexec_fn=lambda: os.sched_setaffinity(0, cores))
        with open(out) as f:
            result: dict[str, Any] = json.load(f)
    return result


def _child(spec: str, out: str) -> None:
    from descend.bench import run_rows  # the parent's measurement loop, with JAX alone

    with open(spec) as f:
        config = json.load(f)
    rows = run_rows({**config, "peers": [NAME]}, {NAME: sys.modules[__name__]})
    with open(out, "w") as f:
        json.dump({"rows": rows, "version": version()}, f)


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
