# screener: two commands do everything on a fresh machine: `make demo` and `make test`.
# The interpreter of .venv/. A distribution's CPython (/usr/bin/python3 on Debian, Ubuntu, Fedora) is built
# with profile-guided and link-time optimisation; pyenv's and other source builds are not by default, and
# run screener's Python stages about a sixth slower (README, "Which Python"). So the distribution's is
# taken where it is 3.11 or newer and can make a venv, else python3 on PATH; `make install PYTHON=...` overrides.
SYSTEM_PYTHON := /usr/bin/python3
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell $(SYSTEM_PYTHON) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(SYSTEM_PYTHON) || echo python3)
endif
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
DEMO_OUT ?= out/demo

.PHONY: install demo test bench lint fidelity accuracy eval chromium clean samples security

# An editable install leaves the package's bytecode to the first import, which writes none where
# PYTHONDONTWRITEBYTECODE is set: every run would then compile ~100 modules (~0.2 s). A wheel install
# compiles at install time; this does the same (a stale .pyc is ignored, so editing stays safe).
BYTECODE = $(BIN)/python -m compileall -q screener

# The stages setup.py compiles with mypyc are built again when their sources change, so that tests
# and runs use what the sources say (screener/native.py would otherwise decline the old build and
# run the sources, slower). The record it writes, $(NATIVE), is the target's timestamp. The packages
# are setup.py's COMPILED_PACKAGES; tests/test_makefile.py checks that the two lists agree.
COMPILED_SOURCES := $(wildcard screener/layout/*.py screener/scoring/*.py screener/structure/*.py screener/evidence/*.py)
NATIVE := screener/_compiled.json

install: $(STAMP) $(NATIVE)

$(STAMP): pyproject.toml setup.py screener/ingest/_glyphs.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	$(BYTECODE)
	touch $(STAMP)

$(NATIVE): $(COMPILED_SOURCES) | $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BYTECODE)

demo: install
	$(BIN)/screener screen samples/resumes --out $(DEMO_OUT)

test: install chromium
	$(BIN)/python -m pytest -q

# The browser test of index.html needs Chromium; install Debian's where it is missing and we may.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
	{ command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) ; } || \
	echo "chromium unavailable: the browser test in tests/test_index_page.py will skip"

fidelity: install
	@if [ -d "$(SHARED)/corpus/realworld" ]; then \
		$(BIN)/python $(SHARED)/tools/fidelity.py $(SHARED)/corpus/realworld -- $(abspath $(BIN))/screener parse --format text {pdf}; \
	else echo "$(SHARED)/corpus is absent: nothing to measure"; fi

accuracy: install
	$(BIN)/python -m screener.evidence.accuracy --show-errors

eval: install
	$(BIN)/python -m screener.evaluate --no-explain

# The performance issue's numbers from one run (cold/warm/floor/naive/scale, RSS); ~5 min, see benchmarks/run.py.
# Per-file parse timings are still there: $(BIN)/python -m screener.bench FOLDER
bench: install
	$(BYTECODE)
	$(BIN)/python benchmarks/run.py

# The hostile-input suite as one table (tests/hostile.py's cases); exits non-zero on any crash, lost output, formula cell or live script.
security: install
	$(BIN)/python benchmarks/security.py

lint: install
	$(BIN)/ruff check screener tests samples

samples: install
	$(BIN)/python samples/render.py

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache .ruff_cache $(NATIVE)
	find screener -name '*.so' -delete
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
