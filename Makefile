# The two commands of the README: `make book` and `make test`. Both create the
# environment first, so they work on a fresh machine with only Python 3 and make.
# The environment uses the Python that Binder uses (runtime.txt), the one the pins are for.
PY ?= $(shell python3 scripts/binder_python.py)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

EDITIONS := en zh

.PHONY: env test book book-inputs $(EDITIONS:%=book-%) translations vendor bench lock clean

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

# The book in both editions, every notebook executed, warnings as errors: English in
# _build/html/en/, Chinese in _build/html/zh/ (the same notebooks, run with CONVBP_LANG=zh_CN,
# the text from locale/zh_CN/), and _build/html/index.html sending a reader to either
# (scripts/editions.py). Each edition caches its outputs per notebook in
# _build/<en|zh>/_build/.jupyter_cache, keyed on the notebook's code only, so a change to the
# package (or to a pin) would leave stale outputs: when their hash changes, start from scratch.
# `make -j2 book` builds the two editions at the same time.
BOOK_INPUTS_HASH = $(shell find src/convbp -name '*.py' -print0 | sort -z | xargs -0 cat requirements.txt | sha256sum | cut -c1-64)
book: $(EDITIONS:%=book-%)
	$(BIN)/python scripts/editions.py index
	echo "$(BOOK_INPUTS_HASH)" > _build/.inputs.sha256
	touch _build/.book-built

# The saved widget state is the static one (CONVBP_STATIC_BOOK=1, see src/convbp/widgets/_where.py).
$(EDITIONS:%=book-%): book-%: book-inputs
	$(BIN)/python scripts/editions.py build $*

book-inputs: env
	@if [ "$$(cat _build/.inputs.sha256 2>/dev/null)" != "$(BOOK_INPUTS_HASH)" ]; then \
		echo "src/convbp or requirements.txt changed: rebuilding the book from scratch"; \
		rm -rf _build; \
	fi

# The translation catalogues (locale/zh_CN/LC_MESSAGES/book/*.po) brought up to date with the
# English text: message templates from a gettext build (in its own folder: it cannot share
# an HTML build's doctrees), then `sphinx-intl update`, which adds new messages, marks
# changed ones fuzzy and drops removed ones. The gettext build reuses the English edition's
# execution cache (the figures' alt texts are extracted from executed outputs), so run
# `make book` first. tests/book/test_catalogues.py fails until every new or fuzzy entry is
# translated. sphinx-intl rewrites a catalogue only when its set of messages changed, and
# Babel wraps lines deterministically, so a run with unchanged English text changes nothing.
GETTEXT := _build/gettext
translations: env
	@# book-en first: it may start _build from scratch (see book-inputs)
	test -d _build/en/_build/.jupyter_cache || $(MAKE) book-en
	rm -rf $(GETTEXT)/_build/gettext
	mkdir -p $(GETTEXT)/_build
	ln -sfn ../../en/_build/.jupyter_cache $(GETTEXT)/_build/.jupyter_cache
	CONVBP_STATIC_BOOK=1 CONVBP_LANG=en $(BIN)/jupyter-book build . --builder custom --custom-builder gettext \
		--path-output $(GETTEXT) --warningiserror --keep-going
	$(BIN)/sphinx-intl update --pot-dir $(GETTEXT)/_build/gettext --locale-dir locale --language zh_CN --no-obsolete

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
