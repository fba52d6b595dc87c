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
