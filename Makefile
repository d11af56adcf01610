# The README's two commands are `make demo` and `make test`; each sets up everything it needs
# on a machine that has only python3 and cargo.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-installed
WHEEL_DIR := dist
# The manylinux2014 wheel (abi3, linked by zig against glibc 2.17) is built once and installed
# into .venv, so the tests exercise exactly what users install.
WHEEL_STAMP := $(VENV)/.wheel-installed
SOURCES := $(shell find rust python -type f \( -name '*.rs' -o -name '*.py' -o -name '*.pyi' -o -name 'Cargo.toml' \)) Cargo.toml pyproject.toml

.PHONY: demo test wheel bench lint rust-test pytest docs clean

demo: $(WHEEL_STAMP)
	$(PY) -m descend demo

test: rust-test lint docs pytest

$(PY):
	python3 -m venv $(VENV)

$(DEPS): requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

wheel: $(WHEEL_STAMP)

$(WHEEL_STAMP): $(DEPS) $(SOURCES) Cargo.lock
	rm -rf $(WHEEL_DIR)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/maturin build --release --zig \
		--compatibility manylinux2014 --out $(WHEEL_DIR)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall $(WHEEL_DIR)/descend-*.whl
	touch $@

rust-test:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test -p descend-core

lint: $(WHEEL_STAMP)
	$(VENV)/bin/ruff check python tests benches docs
	$(VENV)/bin/ruff format --check python tests benches docs
	$(VENV)/bin/mypy python benches docs/_ext docs/conf.py docs/check_rendering.py
	$(PY) -m mypy.stubtest descend._core --allowlist .stubtest-allowlist

pytest: $(WHEEL_STAMP)
	cd tests && HYPOTHESIS_PROFILE=ci ../$(PY) -m pytest -p no:cacheprovider

# The site, from the installed wheel's docstrings; tests/test_site.py checks what it built.
# -E rereads every page: docstrings live in the wheel, which Sphinx does not track.
# The output is removed first, so no page of a name since removed outlives it.
docs: $(WHEEL_STAMP)
	rm -rf docs/_build
	$(VENV)/bin/sphinx-build -W --keep-going -E -q -b html docs docs/_build/html

# The benchmark's peers: numba, JAX and optax from PyPI (unpinned: the benchmark records their
# versions); torch only if already installed. A peer that fails to install is skipped.
BENCH_PEERS := numba jax optax
# The repository's run of `python -m descend bench`: benches/report.py takes the same options
# and adds criterion's times, the targets and the README's headline table.
# e.g. make bench BENCH_ARGS="--dtypes float32 --kernels mse_loss,Adam"
BENCH_ARGS ?=
# descend-core alone, one thread, for the binding overhead at N = 100. criterion.txt keeps each
# benchmark's name, time and throughput; the lines in % compare with an earlier run.
CRITERION := DESCEND_NUM_THREADS=1 cargo bench -p descend-benches --bench pointwise -- \
	--warm-up-time 0.5 --measurement-time 2

bench: $(WHEEL_STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check $(BENCH_PEERS) \
		|| echo "some peers did not install: the benchmark skips them"
	set -o pipefail; { echo "# $(CRITERION)"; \
		echo "# criterion's [lower bound, estimate, upper bound]; bench.md's binding overhead reads the median from target/criterion/*/new/estimates.json"; \
		$(CRITERION) 2>&1 | grep -E '^[a-z_0-9]+/|^ +(time|thrpt):' | grep -v '%'; } \
		| tee benches/results/criterion.txt
	$(PY) benches/report.py --criterion target/criterion $(BENCH_ARGS) \
		--json benches/results/bench.json --markdown benches/results/bench.md \
		--plot benches/results/bench.pdf --readme README.md

clean:
	rm -rf $(VENV) $(WHEEL_DIR) target docs/_build docs/*/generated
