# Everything sets itself up: a fresh machine needs python3, pip, gcc and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The newest supported scikit-learn, read from its one record
# (sklearn_slep017/_version_range.py) with sed: no Python, no venv needed.
NEWEST_SKLEARN := $(shell sed -n 's/^NEWEST_SUPPORTED = "\([^"]*\)".*/\1/p' sklearn_slep017/_version_range.py)
ifeq ($(NEWEST_SKLEARN),)
$(error cannot read NEWEST_SUPPORTED from sklearn_slep017/_version_range.py)
endif
SKLEARN_VERSION ?= $(NEWEST_SKLEARN)
PYTEST_ARGS ?=

.PHONY: help test bench build clean check-compiled

help:
	@echo "make bench   clone speed, side by side (writes bench-results/)"
	@echo "make test    the whole test suite, both implementations"
	@echo "make check-compiled   fail unless the compiled clone is live (as CI)"
	@echo "make build   (re)compile the Cython extension in place"
	@echo "make docs    the documentation site (docs/_build/html), warnings are errors"
	@echo "make patches-check   apply patches/ to pristine scikit-learn, compare with the package, review with upstream's tools"
	@echo "make test-freethreaded   build a free-threaded CPython 3.13, run tests/clone on it (slow)"
	@echo "make pythons   build the Pythons pyenv lacks (3.14, 3.15, 3.14t, 3.15t) into ~/.cache/sklearn-slep017/pythons"
	@echo "make test-pythons   the suite on every supported Python (nox), building missing ones first"
	@echo "make test-freethreaded-all   pytest-run-parallel and the stress test on 3.14t and 3.15t"
	@echo "make sweep   clone and check every estimator of a dozen third-party libraries (slow, not in CI)"
	@echo "make fuzz    differential fuzzing of clone against upstream (FUZZ_TIME seconds, default 300)"
	@echo "make bench-pythons   compiled over upstream on every installed Python, one table (docs/performance/pythons.md)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"

# The build requirements live in the venv too, so that `make build` can
# recompile in place in a second, without a fresh isolated environment.
$(VENV)/.build-deps: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet "Cython>=3.1" "setuptools>=77" wheel
	touch $@

# One stamp per dependency group of pyproject.toml (PEP 735, pip's --group,
# pip >= 25.1): the editable project (the extension compiled in place) and
# the group's tools beside it.
$(VENV)/.installed-%: pyproject.toml setup.py $(VENV)/.build-deps
	$(PY) -m pip install --quiet --no-build-isolation "scikit-learn==$(SKLEARN_VERSION)" -e . --group $*
	touch $@

# `bench` is the project's extra (what `python -m sklearn_slep017 bench` and
# asv need), not a group.
$(VENV)/.installed-bench: pyproject.toml setup.py $(VENV)/.build-deps
	$(PY) -m pip install --quiet --no-build-isolation "scikit-learn==$(SKLEARN_VERSION)" -e ".[bench]"
	touch $@

# The `clients` group (imbalanced-learn, LightGBM, XGBoost, skorch, a CPU
# torch) for tests/clone/test_clients.py, installed beside the project without
# reinstalling it (so the extension is not compiled again), scikit-learn held
# at its version.
$(VENV)/.installed-clients: pyproject.toml | $(VENV)/.installed-test
	$(PY) -m pip install --quiet "scikit-learn==$(SKLEARN_VERSION)" --group clients
	touch $@

# The `fuzz` group (atheris) for `make fuzz`, installed beside the project
# without reinstalling it, scikit-learn held at its version.
$(VENV)/.installed-fuzz: pyproject.toml | $(VENV)/.installed-test
	$(PY) -m pip install --quiet "scikit-learn==$(SKLEARN_VERSION)" --group fuzz
	touch $@

# The `families` group (scikit-base, sktime, pyod) for tests/clone/test_families.py
# and the families benchmarks (`make bench`, asv), installed the same way as
# `clients`: beside the project, scikit-learn held at its version.
$(VENV)/.installed-families: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet "scikit-learn==$(SKLEARN_VERSION)" --group families
	touch $@

build: $(VENV)/.build-deps
	$(PY) setup.py --quiet build_ext --inplace

# SKLEARN_SLEP017_REQUIRE_CLIENTS=1: a client that does not import fails
# tests/clone/test_clients.py instead of skipping it; likewise
# SKLEARN_SLEP017_REQUIRE_FAMILIES=1 for the families tests.
# The review tools of the patch series (`patches`, `patches-backport`
# groups) are required as well: SKLEARN_SLEP017_REQUIRE_REVIEW_TOOLS=1.
# SKLEARN_SLEP017_REQUIRE_FUZZ=1: atheris (the `fuzz` group) must import for
# the fuzz harness's own test.
test: $(VENV)/.installed-test $(VENV)/.installed-clients $(VENV)/.installed-families $(VENV)/.installed-patches $(VENV)/.installed-fuzz .venv-patches-1.2.2/.installed build
	$(PY) -c "import sklearn, sklearn_slep017 as s; print('sklearn_slep017', s.__version__, 'implementation:', s.implementation(), '| scikit-learn', sklearn.__version__)"
	SKLEARN_SLEP017_REQUIRE_CLIENTS=1 SKLEARN_SLEP017_REQUIRE_FAMILIES=1 SKLEARN_SLEP017_REQUIRE_REVIEW_TOOLS=1 SKLEARN_SLEP017_REQUIRE_FUZZ=1 $(PY) -m pytest -n 2 $(PYTEST_ARGS)

# A silent fallback to the pure-Python reference must not pass as a compiled
# run: CI (.ci/run) checks this before the tests.
check-compiled: $(VENV)/.installed-test build
	$(PY) -c "import sklearn_slep017 as s; impl = s.implementation(); print('implementation:', impl); assert impl == 'compiled', impl"

bench: $(VENV)/.installed-bench $(VENV)/.installed-families build
	$(PY) -m sklearn_slep017 bench --families --output bench-results

clean:
	rm -rf build *.egg-info sklearn_slep017/_clone_c.c sklearn_slep017/*.so bench-results
	rm -rf docs/_build docs/auto_examples docs/gen_modules

# -- asv (airspeed velocity) suite under asv_bench/: see asv_bench/README.md ---
ASV := $(VENV)/bin/asv
ASV_CONF := asv_bench/asv.conf.json
ASV_ARGS ?=
# The comparison fails on these: the compiled path's clone benchmarks.
ASV_COMPILED_BENCH := bench_clone\..*\('compiled',
ASV_MACHINE := $(ASV) machine --yes --config $(ASV_CONF) >/dev/null
A ?= HEAD~1
B ?= HEAD

.PHONY: asv asv-publish asv-compare asv-smoke

# The installed project (the editable .venv, working tree included), results
# recorded against HEAD's hash so that asv-publish can plot them.
asv: $(VENV)/.installed-bench build
	$(ASV_MACHINE)
	$(ASV) run --config $(ASV_CONF) --python=same --set-commit-hash=$$(git rev-parse HEAD) --show-stderr $(ASV_ARGS)

asv-publish: $(VENV)/.installed-bench build
	$(ASV) publish --config $(ASV_CONF)
	@echo "HTML written to $(CURDIR)/.asv/html/index.html (view: $(ASV) preview --config $(ASV_CONF))"

# Builds A and B in asv's virtualenvs; exits non-zero if a compiled-path clone
# benchmark got more than 10% slower (or bigger) from A to B.
asv-compare: $(VENV)/.installed-bench build
	$(ASV_MACHINE)
	$(ASV) continuous --config $(ASV_CONF) --factor 1.1 --show-stderr --bench "$(ASV_COMPILED_BENCH)" $(ASV_ARGS) $(A) $(B)

# CI's smoke run: every benchmark once, on the trimmed parameters of
# SKLEARN_SLEP017_ASV_QUICK=1, against the installed project, nothing saved;
# the output goes to .asv/smoke.log too (.ci/run reads it), and asv's exit
# status is the recipe's.
asv-smoke: $(VENV)/.installed-bench build
	$(ASV_MACHINE)
	mkdir -p .asv
	{ SKLEARN_SLEP017_ASV_QUICK=1 $(ASV) run --config $(ASV_CONF) --python=same --quick --dry-run --show-stderr --launch-method forkserver $(ASV_ARGS); echo $$? > .asv/smoke.status; } 2>&1 | tee .asv/smoke.log
	exit $$(cat .asv/smoke.status)

# -- backward-compatibility matrix (noxfile.py): the supported scikit-learn ---
# releases, oldest to newest (sklearn_slep017/_version_range.py).
# `make compat` runs every release and refreshes docs/compat/results.md;
# COMPAT_SESSIONS picks some (the docs are then left alone), e.g.
# make compat COMPAT_SESSIONS="compat-1.1.3 compat-$(NEWEST_SKLEARN)"
COMPAT_SESSIONS ?=
NOX_ARGS ?=

.PHONY: compat

compat: $(VENV)/.installed-compat
	rm -f compat-results/*.json
	status=0; $(VENV)/bin/nox --no-color $(if $(COMPAT_SESSIONS),-s $(COMPAT_SESSIONS)) $(NOX_ARGS) || status=$$?; \
	$(PY) -m maint_tools.compat_report aggregate compat-results && \
	$(if $(COMPAT_SESSIONS),true,cp compat-results/report.md docs/compat/results.md); exit $$status

# -- every supported Python (noxfile.py): 3.10 to 3.15, 3.14t, 3.15t ---------
# One nox session per interpreter, each with the project's wheel built for it
# and the newest scikit-learn that has wheels for it, running the whole suite
# and the doctests. PYTHON_SESSIONS picks some, e.g.
# make test-pythons PYTHON_SESSIONS="tests-3.10 tests-3.15" (CI).
# 3.10 to 3.13 come from PATH or pyenv; 3.14, 3.15 and the free-threaded
# builds from maint_tools/pythons.py's cache (~/.cache/sklearn-slep017/pythons),
# which `make pythons` fills and test-pythons fills on demand: Debian's source
# package built without PGO/LTO, or, where the archive serves no source,
# Debian's binary in a sid tree the sessions run in (see the tool's docstring).
PYTHON_SESSIONS ?= tests-3.10 tests-3.11 tests-3.12 tests-3.13 tests-3.14 tests-3.15
FREE_THREADED_SESSIONS ?= freethreaded-3.14t freethreaded-3.15t
PYTHON_TARGETS ?=
# Test paths for the tests-X.Y sessions instead of pyproject.toml's testpaths
# (empty: all of them), e.g. CI's "tests/clone tests/switch".
PYTHON_TEST_PATHS ?=

.PHONY: test-pythons pythons test-freethreaded-all

pythons: $(VENV)/bin/python
	$(PY) -m maint_tools.pythons build $(PYTHON_TARGETS)

test-pythons: $(VENV)/.installed-compat
	SKLEARN_SLEP017_TEST_PATHS="$(PYTHON_TEST_PATHS)" $(PY) -m maint_tools.pythons nox $(PYTHON_SESSIONS) $(NOX_ARGS)

# The free-threaded builds the way scikit-learn tests its own: tests/clone
# under pytest-run-parallel, the stress and threads tests, the GIL checked
# off (noxfile.py's freethreaded sessions).
test-freethreaded-all: $(VENV)/.installed-compat
	$(PY) -m maint_tools.pythons nox $(FREE_THREADED_SESSIONS) $(NOX_ARGS)

# -- documentation (docs/): Sphinx, numpydoc, sphinx-gallery over examples/ ---
SPHINX_ARGS ?=

.PHONY: docs docs-bench

# Warnings are errors, as in CI; the examples run during the build.
docs: $(VENV)/.installed-docs build
	$(PY) -m sphinx -W --keep-going -b html $(SPHINX_ARGS) docs docs/_build/html
	@echo "HTML written to $(CURDIR)/docs/_build/html/index.html"

# Refresh the recorded benchmark run shown on the Performance page (then
# commit docs/performance/).
docs-bench: bench
	$(PY) docs/_scripts/record_bench.py bench-results docs/performance

# -- upstream patch series (patches/): see patches/README.md -------------------
# maint_tools/patches.py (check, regenerate), patch_review.py, upstream_overlay.py
# and upstream_build.py: maintainer tools of the checkout, not in the wheel.
UPSTREAM_BUILD ?= .upstream-build

.PHONY: patches-check patches-regenerate upstream-build

# Apply each series to the pristine sdist (downloaded once, cached) and
# compare the patched scikit-learn with the package's code; then review what
# each patch adds with scikit-learn's own tools at its pinned versions (the
# `patches` dependency group: ruff 0.12.2, cython-lint, numpydoc), its
# towncrier conventions and no names of this project. Findings are printed as
# `<patch> <file>:<line> <rule> <message>`; any fails the target.
patches-check: $(VENV)/.installed-test $(VENV)/.installed-patches .venv-patches-1.2.2/.installed
	$(PY) -m maint_tools.patches check
	$(PY) -m maint_tools.patch_review

# 1.2.2's pinned flake8 and black, for its backport record.
.venv-patches-1.2.2/.installed: pyproject.toml
	$(PYTHON) -m venv .venv-patches-1.2.2
	.venv-patches-1.2.2/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	.venv-patches-1.2.2/bin/python -m pip install --quiet --group patches-backport
	touch $@

patches-regenerate: $(VENV)/.installed-test
	$(PY) -m maint_tools.patches regenerate

# The patched release built as upstream builds it: the series applied to the
# pristine sdist tree, `pip install --no-build-isolation` with meson-python in
# a virtualenv of its own (.upstream-build/venv, the tree's build requirements),
# then its sklearn/tests/test_base.py (the new tests are there), the tests of
# clone's main users and test_docstrings.py restricted to the changed modules. Tens of minutes on two
# cores: not in the test suite nor in every CI run. Summary in
# .upstream-build/summary.txt.
upstream-build: $(VENV)/.installed-test
	$(PY) -m maint_tools.upstream_build --version $(SKLEARN_VERSION) --dest $(UPSTREAM_BUILD)

# The compiled clone on a free-threaded CPython 3.13 (the run behind its
# freethreading_compatible declaration): the interpreter built from Debian's
# python3.13 source package (fetched through the mirror apt is configured
# with), a venv of cp313t wheels, then tests/clone with the GIL kept off by
# the declaration alone. Tens of minutes the first time on two cores: not in
# `make test` nor in CI. Everything in .free-threaded/ (summary.txt).
FREE_THREADED ?= .free-threaded

.PHONY: test-freethreaded
test-freethreaded:
	$(PYTHON) -m maint_tools.freethreaded --dest $(FREE_THREADED) --jobs 2 --sklearn-version $(SKLEARN_VERSION)

# Quick stand-in (seconds): the patched modules over a copy of the installed
# wheel, the series' .pyx compiled in place (Cython and gcc of this venv, with
# the Cython directives of scikit-learn's meson build), then upstream's own
# tests of base, metadata routing, pipeline, frozen.
UPSTREAM_OVERLAY ?= .upstream-overlay

.PHONY: upstream-overlay

upstream-overlay: $(VENV)/.installed-test
	$(PY) -m maint_tools.upstream_overlay --version $(SKLEARN_VERSION) --dest $(UPSTREAM_OVERLAY)
	cd $(UPSTREAM_OVERLAY) && PYTHONPATH=$(CURDIR)/$(UPSTREAM_OVERLAY) $(CURDIR)/$(PY) -m pytest -q -p no:cacheprovider -n 2 \
	  sklearn/tests/test_base.py sklearn/tests/test_clone_notes.py \
	  sklearn/tests/test_metadata_routing.py sklearn/frozen sklearn/tests/test_pipeline.py

# The third-party sweep (maint_tools/third_party_sweep.py): every estimator
# of a dozen estimator libraries (the `sweep` dependency group) built with
# its defaults, cloned by upstream, the reference and the compiled clone, and
# run through the contract checks with each; mismatches fail it. In a venv of
# its own (the libraries pin what they like), the package installed from the
# checkout as users get it, and run as a script so that the working tree
# cannot shadow the installed package. About 15 minutes on two cores; not in
# CI. Report in sweep-results/report.md.
SWEEP_VENV ?= .venv-sweep
SWEEP_PACKAGES ?= category_encoders feature_engine mlxtend sklego ngboost quantile_forest \
	tslearn sksurv catboost skopt dask_ml interpret

$(SWEEP_VENV)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(SWEEP_VENV)
	$(SWEEP_VENV)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(SWEEP_VENV)/bin/python -m pip install --quiet "scikit-learn==$(SKLEARN_VERSION)" . --group sweep
	touch $@

.PHONY: sweep

sweep: $(SWEEP_VENV)/.installed
	$(SWEEP_VENV)/bin/python -I maint_tools/third_party_sweep.py $(SWEEP_PACKAGES) --output sweep-results

# -- differential fuzzing (maint_tools/fuzz_clone.py, atheris) ----------------
# Cases decoded from the fuzzer's bytes (maint_tools/fuzz_cases.py: fresh
# classes, trees, mutations between and during clones) run with upstream's
# clone, the compiled clone and the reference; any difference, or a crash,
# stops the run and leaves the input in $(FUZZ_DIR)/crash-* (replay it with
# `$(PY) -m maint_tools.fuzz_clone replay FILE`). New inputs go to
# $(FUZZ_DIR)/corpus; the committed seeds (maint_tools/fuzz_corpus, replayed
# by tests/clone/test_fuzz_corpus.py) are read alongside, never written:
# `make fuzz-merge` folds the inputs that add coverage into them.
FUZZ_TIME ?= 300
FUZZ_DIR ?= .fuzz
FUZZ_CORPUS := maint_tools/fuzz_corpus
FUZZ_ARGS ?=

.PHONY: fuzz fuzz-merge

fuzz: $(VENV)/.installed-fuzz build
	mkdir -p $(FUZZ_DIR)/corpus
	$(PY) -m maint_tools.fuzz_clone $(FUZZ_DIR)/corpus $(FUZZ_CORPUS) \
	  -max_total_time=$(FUZZ_TIME) -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
	  -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_ARGS)

fuzz-merge: $(VENV)/.installed-fuzz build
	mkdir -p $(FUZZ_DIR)/corpus
	$(PY) -m maint_tools.fuzz_clone -merge=1 $(FUZZ_CORPUS) $(FUZZ_DIR)/corpus

# -- clone speed on every installed Python (noxfile.py's bench sessions) ------
# One session per interpreter from 3.11 up (pyenv's or PATH's), plus any
# newer one found on PATH or built into ~/.cache (a Python the project does
# not declare yet is listed as not measured): each times `python -m sklearn_slep017
# bench` with a quick budget, then one table of compiled over upstream, Python
# by workload, in $(BENCH_PYTHONS_DIR)/table.md, copied to
# docs/performance/pythons.md by a run of every session. BENCH_SESSIONS picks
# some, e.g. make bench-pythons BENCH_SESSIONS="bench-3.12 bench-3.13".
BENCH_SESSIONS ?=
BENCH_PYTHONS_ARGS ?= --budget 3 --widths 1,10,100
BENCH_PYTHONS_DIR := bench-pythons-results

.PHONY: bench-pythons

# Every bench-X.Y session by name: maint_tools.pythons runs those whose
# Python lives only in its Debian tree (3.14, 3.15) inside that tree.
BENCH_ALL = $(shell $(VENV)/bin/nox -l --json -s bench 2>/dev/null | $(PY) -c "import json, sys; print(' '.join(s['session'] for s in json.load(sys.stdin)))")

bench-pythons: $(VENV)/.installed-compat
	rm -rf $(BENCH_PYTHONS_DIR)
	status=0; $(PY) -m maint_tools.pythons nox $(or $(BENCH_SESSIONS),$(BENCH_ALL)) $(NOX_ARGS) -- $(BENCH_PYTHONS_ARGS) || status=$$?; \
	$(PY) -m maint_tools.bench_pythons aggregate $(BENCH_PYTHONS_DIR) --output $(BENCH_PYTHONS_DIR)/table.md && \
	$(if $(BENCH_SESSIONS),true,cp $(BENCH_PYTHONS_DIR)/table.md docs/performance/pythons.md); exit $$status
