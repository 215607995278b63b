# `make` sets up .venv/ and runs the whole pipeline on raw/; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER := $(VENV)/.browser

.DEFAULT_GOAL := run
.PHONY: run test eval bench clean distclean

# Install (again) only when the project's dependencies change.
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11+ is needed; set PYTHON=...)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# The lookup page's tests drive Debian's headless Chromium through its chromedriver.
$(BROWSER): $(STAMP)
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else echo "warning: chromium and chromium-driver are missing: the lookup page's browser tests will fail"; fi
	@touch $@

run: $(STAMP)
	$(BIN)/handbooks run

test: $(STAMP) $(BROWSER)
	$(BIN)/python -m pytest -q

# SUCCESSOR: the folder of the real successor development set (nos_2013.tsv).
SUCCESSOR ?= ../shared/successor
eval: run
	$(BIN)/python tests/eval/evaluate.py --successor $(SUCCESSOR)

# BENCH=--quick: the speed-up on 10 handbooks and matching on 20,000 units.
bench: $(STAMP)
	$(BIN)/python tests/bench/run.py $(BENCH)

clean:
	rm -rf extracted/* extracted/.generations extracted/.staged extracted/.lock mappings/.staged tests/.renders
	find mappings -maxdepth 1 \( -type f -o -type l \) ! -name overrides.csv -delete
	touch extracted/.gitkeep

distclean: clean
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
