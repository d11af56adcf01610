from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI: derandomized, a fixed number of examples, no deadline (the machine is shared and noisy).
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
