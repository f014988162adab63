# The two commands of the README: `make book` and `make test`. Both create the
# environment first, so they work on a fresh machine with only Python 3 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: env test book bench clean

env: $(STAMP)

# Reinstall whenever a pin changes; the stamp keeps repeated runs fast.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

test: env
	$(BIN)/python -m pytest

bench: env
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build
