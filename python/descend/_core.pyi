from typing import Any, final

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "OptimizerState",
    "activation",
    "build",
    "chunk_size",
    "clip_grad_norm",
    "clip_grad_value",
    "exp_probe",
    "get_num_threads",
    "gil_release_threshold",
    "in_place_probe",
    "loss",
    "math_probe",
    "roc_auc",
    "set_num_threads",
    "set_thread_override",
    "simd_level",
    "simd_warning",
    "specs",
    "stream_probe",
    "thread_variable_warning",
    "threads_used_by_last_call",
    "triad",
]

def loss(
    loss: str,
    input: NDArray[np.floating[Any]],
    target: NDArray[Any],
    weight: NDArray[np.floating[Any]] | None,
    upstream: NDArray[np.floating[Any]] | None,
    third: NDArray[np.floating[Any]] | None,
    reduction: str,
    params: dict[str, Any] | None,
    want_value: bool,
    want_grad: bool,
    out: NDArray[np.floating[Any]] | None,
) -> Any: ...
def specs() -> list[dict[str, Any]]: ...
def simd_level() -> str: ...
def simd_warning() -> str | None: ...
def thread_variable_warning() -> str | None: ...
def build() -> str: ...
def get_num_threads() -> int: ...
def set_num_threads(n: int) -> int: ...
def set_thread_override(n: int | None) -> int | None: ...
def gil_release_threshold() -> int: ...
def threads_used_by_last_call() -> int: ...
def chunk_size() -> int: ...
def triad(
    a: NDArray[np.floating[Any]],
    b: NDArray[np.floating[Any]],
    c: NDArray[np.floating[Any]],
    scalar: float,
) -> None: ...
def exp_probe(x: NDArray[np.floating[Any]], out: NDArray[np.floating[Any]]) -> None: ...
def activation(
    name: str,
    input: NDArray[np.floating[Any]],
    upstream: NDArray[np.floating[Any]] | None,
    params: dict[str, float] | None,
    dim: int,
    want_value: bool,
    want_grad: bool,
    out: NDArray[np.floating[Any]] | None,
) -> Any: ...
def clip_grad_norm(
    grads: list[NDArray[np.floating[Any]]],
    max_norm: float,
    norm_type: float,
    error_if_nonfinite: bool,
) -> float: ...
def clip_grad_value(grads: list[NDArray[np.floating[Any]]], clip_value: float) -> None: ...

@final
class OptimizerState:
    def __new__(cls, rule: str) -> OptimizerState: ...
    def add(self, param: NDArray[np.floating[Any]]) -> None: ...
    def __len__(self) -> int: ...
    def check(self, groups: list[dict[str, Any]]) -> None: ...
    def step(
        self,
        params: list[NDArray[np.floating[Any]]],
        grads: list[NDArray[np.floating[Any]]],
        members: list[int],
        groups: list[dict[str, Any]],
    ) -> None: ...
    def export(
        self, i: int
    ) -> tuple[int, list[float], list[tuple[str, NDArray[np.floating[Any]]]]] | None: ...
    def load(
        self,
        entries: list[tuple[int, list[float], list[tuple[str, NDArray[np.floating[Any]]]]] | None],
        members: list[int],
        groups: list[dict[str, Any]],
    ) -> None: ...

def in_place_probe(
    reads: list[NDArray[np.floating[Any]]], updates: list[NDArray[np.floating[Any]]]
) -> None: ...
def stream_probe(
    reads: list[NDArray[np.floating[Any]]], writes: list[NDArray[np.floating[Any]]]
) -> float: ...
def math_probe(name: str, x: NDArray[np.floating[Any]], out: NDArray[np.floating[Any]]) -> None: ...
def roc_auc(positive: NDArray[np.bool_], score: NDArray[np.floating[Any]]) -> float: ...
