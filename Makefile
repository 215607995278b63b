# `make` sets up .venv/ and runs the whole pipeline on raw/; `make test` runs the checks and the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SYSTEM := $(VENV)/.system-packages
# The versions the tests passed with; `make lock` writes them again from pyproject.toml.
LOCK := requirements/run.txt
TEST_LOCK := requirements/test.txt
# Debian programs the tests drive: Chromium for the lookup page and the PDF producer matrix, Ghostscript
# and LibreOffice Writer for the matrix, LibreOffice Calc to open the spreadsheets (libswlo and libsclo
# are Writer's and Calc's own libraries: soffice alone may come with another module).
PROGRAMS := chromium chromedriver gs soffice
PACKAGES := chromium chromium-driver ghostscript libreoffice-writer-nogui libreoffice-calc-nogui
LIBREOFFICE := /usr/lib/libreoffice/program

.DEFAULT_GOAL := run
.PHONY: run test check eval bench lock clean distclean

# The runtime only, from the lock; installed again only when the lock or the project changes.
$(STAMP): pyproject.toml $(LOCK)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11+ is needed; set PYTHON=...)"; exit 2; }
	@echo "setup 1/3: virtual environment in $(VENV)/"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "setup 2/3: runtime libraries pinned in $(LOCK)"
	@$(BIN)/python -m pip install --quiet -r $(LOCK)
	@echo "setup 3/3: the pipeline itself (editable)"
	@$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# The test tools (pytest, hypothesis, ruff, mypy, renderers), pinned in their own lock.
$(TEST_STAMP): $(STAMP) $(TEST_LOCK)
	@echo "setup: test tools pinned in $(TEST_LOCK)"
	@$(BIN)/python -m pip install --quiet -r $(TEST_LOCK)
	@touch $@

# The Debian programs of the tests, installed when one is missing and this is root (as in CI).
$(SYSTEM): $(TEST_STAMP)
	@{ for p in $(PROGRAMS); do command -v $$p || exit 1; done; \
	   test -e $(LIBREOFFICE)/libswlo.so && test -e $(LIBREOFFICE)/libsclo.so; } >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "setup: Debian packages $(PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $(PACKAGES); \
	  else echo "warning: some of $(PACKAGES) are missing: the browser, PDF producer and spreadsheet tests will fail"; fi
	@touch $@

run: $(STAMP)
	$(BIN)/handbooks run

check: $(TEST_STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy

# The tests on TEST_WORKERS processes (pytest-xdist), a file's tests on one of them: its module fixtures are made
# once. TEST_WORKERS=0 runs them all in this process.
TEST_WORKERS ?= 2
test: check $(SYSTEM)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# SUCCESSOR: the folder of the real successor development set (nos_2013.tsv).
SUCCESSOR ?= ../shared/successor
eval: run
	$(BIN)/python tests/eval/evaluate.py --successor $(SUCCESSOR)

# BENCH=--quick: the speed-up on 10 handbooks and matching on 20,000 units.
bench: $(TEST_STAMP)
	$(BIN)/python tests/bench/run.py $(BENCH)

# Resolve pyproject.toml's ranges again into the two locks (needs the package index).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet --python-version 3.11 pyproject.toml -o $(LOCK)
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra test pyproject.toml -o $(TEST_LOCK)

clean:
	rm -rf extracted/* extracted/.generations extracted/.staged extracted/.lock extracted/.match extracted/.match-pairs mappings/.staged tests/.renders tests/.screenshots
	find mappings -maxdepth 1 \( -type f -o -type l \) ! -name overrides.csv -delete
	touch extracted/.gitkeep

distclean: clean
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
