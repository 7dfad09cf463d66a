# newsprism — every target installs what it needs into .venv itself.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DB ?= out/demo.db

.PHONY: demo test lint unit bench eval eval-quick lock clean pg-server fuzz audit browser

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"

# Runtime dependencies, pinned in requirements.lock; re-run when the lock or pyproject changes.
$(VENV)/.runtime-installed: $(PY) requirements.lock pyproject.toml
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.lock
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

demo: $(VENV)/.runtime-installed
	@mkdir -p out
	@rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/newsprism ingest examples/ --db $(DB)
	$(BIN)/newsprism articles --db $(DB)
	$(BIN)/newsprism stories --db $(DB)
	$(BIN)/newsprism compare examples/* -o out/seed-comparison.html -o out/seed-comparison.md

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(PY) scripts/audit_deps.py

# Known vulnerabilities in the pinned dependencies (pip-audit; where its services cannot
# audit, the registry's latest-release advisories for every pin that is the latest release;
# ignores with reasons in .pip-audit-ignore). Fails on a finding; says what it could not audit.
audit: $(VENV)/.dev-installed
	$(PY) scripts/audit_deps.py

unit: $(VENV)/.dev-installed pg-server browser
	$(BIN)/pytest -q

# PostgreSQL server binaries (and pgvector) for the PostgreSQL half of the store tests; without
# them that half is skipped with a reason.
pg-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || \
	  echo "PostgreSQL not installed: its store tests will be skipped"
	@[ "$$(id -u)" != 0 ] || bash scripts/build-pgvector.sh >/dev/null 2>&1 || echo "pgvector not built: vectors stay bytea"

# Chromium (Debian packages chromium, chromium-driver) for the browser tests of the web UI
# (Playwright drives the system browser; none is downloaded); without it they are skipped.
browser:
	@command -v chromium >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "Chromium not installed: the browser tests of the web UI will be skipped"

test: lint unit

# Quality on the public sets (../shared/data) -> docs/quality.md; exit 1 if a metric is below its floor.
eval: $(VENV)/.runtime-installed
	$(BIN)/newsprism eval --format md --output docs/quality.md

eval-quick: $(VENV)/.runtime-installed
	$(BIN)/newsprism eval --quick

bench: $(VENV)/.dev-installed
	$(PY) benchmarks/run_all.py

# Coverage-guided fuzzing (atheris) of the readers and the cleaner -> benchmarks/results/fuzz.md;
# crashing inputs are kept in tests/fuzz_regressions/ (replayed by the tests).
FUZZ_SECONDS ?= 120
fuzz: $(VENV)/.dev-installed
	$(PY) benchmarks/fuzz_readers.py --seconds $(FUZZ_SECONDS)

# Re-pin: resolve the dependencies of pyproject.toml in a scratch venv and write both locks.
lock:
	rm -rf /tmp/newsprism-lock && $(PYTHON) -m venv /tmp/newsprism-lock
	/tmp/newsprism-lock/bin/pip install --quiet --upgrade "pip>=24"
	/tmp/newsprism-lock/bin/pip install --quiet -e .
	/tmp/newsprism-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	/tmp/newsprism-lock/bin/pip install --quiet -e '.[dev,postgres,spark]'
	/tmp/newsprism-lock/bin/pip freeze --exclude-editable | grep -v '^-e' | grep -vxFf requirements.lock > requirements-dev.lock

clean:
	rm -rf $(VENV) out .mypy_cache .pytest_cache .ruff_cache
