"""Loss declarations, one module per family.

``regression`` holds the regression losses, ``likelihood`` the negative log-likelihoods and
kl_div, ``binary`` the losses of binary and ±1 targets (all pointwise), ``classification`` the
row-wise losses over the class axis.
"""

from __future__ import annotations

from descend.losses import binary, classification, likelihood, regression
from descend.losses.binary import *
from descend.losses.classification import *
from descend.losses.likelihood import *
from descend.losses.regression import *

# Each declaration module lists its losses beside their declarations (the drift test checks
# that it lists every one); the package re-exports them all.
__all__: list[str] = []
__all__ += binary.__all__
__all__ += classification.__all__
__all__ += likelihood.__all__
__all__ += regression.__all__
