"""The manylinux wheel `make wheel` built installs into a fresh venv and works without cargo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SMOKE = """
import shutil
assert shutil.which("cargo") is None, shutil.which("cargo")
import numpy as np, descend as ds
x = np.linspace(-2, 2, 100_001, dtype=np.float32)
v, g = ds.huber_loss.value_and_grad(x, np.zeros_like(x))
assert abs(v - ds.reference.huber_loss(x, np.zeros_like(x))) < 1e-6, v
assert g.dtype == np.float32 and g.shape == x.shape
from importlib import resources
data = resources.files("descend").joinpath("data")
with data.joinpath("digits.npz").open("rb") as f:
    assert np.load(f)["images"].shape == (1797, 8, 8)
assert "CC BY 4.0" in data.joinpath("LICENSE").read_text(encoding="utf-8")
print(ds.__version__, ds.simd_level())
"""


def cargo_free_path() -> str:
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(d for d in dirs if d and not (Path(d) / "cargo").exists())


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_wheel_installs_and_runs_without_cargo(tmp_path: Path) -> None:
    wheels = sorted((ROOT / "dist").glob("descend-*.whl"))
    assert len(wheels) == 1, f"expected one wheel from `make wheel`, found {wheels}"
    wheel = wheels[0]
    assert "abi3" in wheel.name and "manylinux2014_x86_64" in wheel.name, wheel.name
    assert wheel.stat().st_size < 10 * 2**20, "wheel is no longer a few MB"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {**os.environ, "PATH": cargo_free_path()}
    env.pop("CARGO_HOME", None)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        env=env,
    )
    result = subprocess.run(
        [str(python), "-c", SMOKE],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("0.")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_sdist_builds(tmp_path: Path) -> None:
    maturin = shutil.which("maturin", path=str(Path(sys.executable).parent))
    assert maturin is not None
    subprocess.run(
        [maturin, "sdist", "--out", str(tmp_path)], cwd=ROOT, check=True, capture_output=True
    )
    (sdist,) = tmp_path.glob("descend-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in (
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "rust/descend-core/src/lib.rs",
        "rust/descend-py/src/lib.rs",
        "python/descend/__init__.py",
        "python/descend/py.typed",
        "python/descend/_core.pyi",
        "python/descend/data/digits.npz",
        "python/descend/data/LICENSE",
    ):
        assert needed in names, f"{needed} missing from the sdist"
