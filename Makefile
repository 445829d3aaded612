# screener: two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
DEMO_OUT ?= out/demo

.PHONY: install demo test bench lint fidelity accuracy clean samples

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

demo: install
	$(BIN)/screener parse samples/resumes

test: install
	$(BIN)/python -m pytest -q

fidelity: install
	@if [ -d "$(SHARED)/corpus/realworld" ]; then \
		$(BIN)/python $(SHARED)/tools/fidelity.py $(SHARED)/corpus/realworld -- $(abspath $(BIN))/screener parse --format text {pdf}; \
	else echo "$(SHARED)/corpus is absent: nothing to measure"; fi

accuracy: install
	$(BIN)/python -m screener.evidence.accuracy --show-errors

bench: install
	$(BIN)/python -m screener.bench samples/resumes $(wildcard $(SHARED)/corpus/realworld)

lint: install
	$(BIN)/ruff check screener tests samples

samples: install
	$(BIN)/python samples/render.py

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
