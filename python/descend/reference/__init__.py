"""Plain-numpy oracle for everything descend computes, written from the formulas.

Independent of the Rust kernels, so the tests compare two separate derivations rather than
one piece of code against itself. Everything is computed in float64 whatever the input dtype;
names, arguments and semantics follow ``torch.nn.functional``. One module per family:
``regression`` (pointwise regression losses), ``classification``, ``activations``,
``optim`` and ``clip``.
"""

from __future__ import annotations

from descend.reference import activations, classification, clip, optim, regression
from descend.reference.activations import *
from descend.reference.classification import *
from descend.reference.clip import *
from descend.reference.regression import *

ACTIVATIONS: tuple[str, ...] = activations.ACTIVATIONS
LOSSES: tuple[str, ...] = regression.LOSSES + classification.LOSSES

# Each module lists its functions beside their definitions; the package re-exports them all.
__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "activations",
    "classification",
    "clip",
    "optim",
    "regression",
]
__all__ += activations.__all__
__all__ += classification.__all__
__all__ += clip.__all__
__all__ += regression.__all__
