"""Loss declarations, one module per family.

``regression`` holds the regression losses, ``classification`` the classification ones (binary
and divergence losses pointwise, the others row-wise over the class axis).
"""

from __future__ import annotations

from descend.losses import classification, regression
from descend.losses.classification import *
from descend.losses.regression import *

# Each declaration module lists its losses beside their declarations (the drift test checks
# that it lists every one); the package re-exports them all.
__all__: list[str] = []
__all__ += classification.__all__
__all__ += regression.__all__
