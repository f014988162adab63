# The two commands of the README: `make book` and `make test`. Both create the
# environment first, so they work on a fresh machine with only Python 3 and make.
# The environment uses the Python that Binder uses (runtime.txt), the one the pins are for.
PY ?= $(shell python3 scripts/binder_python.py)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: env test book vendor bench lock clean

env: $(STAMP)

# Reinstall whenever a pin changes; the stamp keeps repeated runs fast.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml runtime.txt
	@test -n "$(PY)" || { echo "install the Python named in runtime.txt (e.g. apt-get install python3.11-venv)"; exit 1; }
	@# An environment left from another Python is made anew.
	@if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c 'import sys; print(sys.version_info[:2])')" != "$$($(PY) -c 'import sys; print(sys.version_info[:2])')" ]; then rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

# `make test` builds the book first (strict), so tests/book/ checks the pages just built;
# the browser tests need Debian's chromium (`apt-get install chromium`, done by .ci/run).
test: book
	$(BIN)/python -m pytest

# The book, every notebook executed, warnings as errors. Outputs are cached per notebook
# in _build/.jupyter_cache, keyed on the notebook's code only, so a change to the package
# (or to a pin) would leave stale outputs: when their hash changes, start from scratch.
BOOK_INPUTS_HASH = $(shell find src/convbp -name '*.py' -print0 | sort -z | xargs -0 cat requirements.txt | sha256sum | cut -c1-64)
book: env
	@if [ "$$(cat _build/.inputs.sha256 2>/dev/null)" != "$(BOOK_INPUTS_HASH)" ]; then \
		echo "src/convbp or requirements.txt changed: rebuilding the book from scratch"; \
		rm -rf _build; \
	fi
	@# The saved widget state is the static one (see src/convbp/widgets/_where.py).
	CONVBP_STATIC_BOOK=1 $(BIN)/jupyter-book build . --warningiserror --keep-going
	echo "$(BOOK_INPUTS_HASH)" > _build/.inputs.sha256
	touch _build/.book-built

# Refresh the vendored front-end files (book/_assets/static/) from npm at the versions
# pinned in book/_assets/package-lock.json. Needs node; building the book does not.
vendor:
	book/_assets/vendor.sh

bench: env
	$(BIN)/python benchmarks/run.py

# Re-pin requirements*.txt from requirements*.in (needs the package index).
lock:
	python3 scripts/lock.py

clean:
	rm -rf _build book/_assets/node_modules
