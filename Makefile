# Everything sets itself up: a fresh machine needs python3, pip, gcc and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SKLEARN_VERSION ?= 1.9.1
PYTEST_ARGS ?=

.PHONY: help test bench build clean

help:
	@echo "make bench   clone speed, side by side (writes bench-results/)"
	@echo "make test    the whole test suite, both implementations"
	@echo "make build   (re)compile the Cython extension in place"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The build requirements live in the venv too, so that `make build` can
# recompile in place in a second, without a fresh isolated environment.
$(VENV)/.build-deps: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet "Cython>=3.0.8" "setuptools>=77" wheel
	touch $@

# One stamp per extra; the editable install compiles the extension in place.
$(VENV)/.installed-%: pyproject.toml setup.py $(VENV)/.build-deps
	$(PY) -m pip install --quiet --no-build-isolation "scikit-learn==$(SKLEARN_VERSION)" -e ".[$*]"
	touch $@

build: $(VENV)/.build-deps
	$(PY) setup.py --quiet build_ext --inplace

test: $(VENV)/.installed-test build
	$(PY) -c "import sklearn, sklearn_slep017 as s; print('sklearn_slep017', s.__version__, 'implementation:', s.implementation(), '| scikit-learn', sklearn.__version__)"
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench build
	$(PY) -m sklearn_slep017 bench --output bench-results

clean:
	rm -rf build *.egg-info sklearn_slep017/_clone_c.c sklearn_slep017/*.so bench-results

# -- asv (airspeed velocity) suite under asv_bench/: see asv_bench/README.md ---
ASV := $(VENV)/bin/asv
ASV_CONF := asv_bench/asv.conf.json
ASV_ARGS ?=
# The comparison fails on these: the compiled path's clone benchmarks.
ASV_COMPILED_BENCH := bench_clone\..*\('compiled',
A ?= HEAD~1
B ?= HEAD

.PHONY: asv asv-publish asv-compare

# The installed project (the editable .venv, working tree included), results
# recorded against HEAD's hash so that asv-publish can plot them.
asv: $(VENV)/.installed-bench build
	$(ASV) machine --yes --config $(ASV_CONF) >/dev/null
	$(ASV) run --config $(ASV_CONF) --python=same --set-commit-hash=$$(git rev-parse HEAD) --show-stderr $(ASV_ARGS)

asv-publish: $(VENV)/.installed-bench build
	$(ASV) publish --config $(ASV_CONF)
	@echo "HTML written to $(CURDIR)/.asv/html/index.html (view: $(ASV) preview --config $(ASV_CONF))"

# Builds A and B in asv's virtualenvs; exits non-zero if a compiled-path clone
# benchmark got more than 10% slower (or bigger) from A to B.
asv-compare: $(VENV)/.installed-bench build
	$(ASV) machine --yes --config $(ASV_CONF) >/dev/null
	$(ASV) continuous --config $(ASV_CONF) --factor 1.1 --show-stderr --bench "$(ASV_COMPILED_BENCH)" $(ASV_ARGS) $(A) $(B)
