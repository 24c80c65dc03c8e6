# Smart-City-Forum — the two quick-start commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2

# LOCKED=1 installs the exact, hash-checked versions of requirements-test.lock instead of the newest
# ones pyproject.toml allows (what CI may use; production installs use requirements.lock).
LOCKED ?=
# Tools for the lock files and checks (uv, check-jsonschema) live in a virtual environment of their own.
LOCK_VENV ?= .venv-lock
UV_VERSION ?= 0.13.9
CHECK_JSONSCHEMA_VERSION ?= 0.39.0
LOCK_FLAGS = --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock"
# pyproject's build requirements (setuptools) are locked too, so `pip install --no-build-isolation`
# builds the forum itself with a hash-checked setuptools.
BUILD_REQUIRES = $(PYTHON) -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))'

.PHONY: help install run test test-fast conformance translations lock lock-check check-publiccode bench bench-server clean

## install: create .venv with the forum and its test extras (LOCKED=1: the hash-checked lock file)
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(if $(LOCKED),requirements-test.lock)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
ifdef LOCKED
	$(BIN)/pip install -q --require-hashes -r requirements-test.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
else
	$(BIN)/pip install -q -e '.[test]'
endif
	touch $@

## run: create/migrate the database, add demo data, serve on http://$(HOST):$(PORT)/
run: install
	$(BIN)/forum db upgrade
	$(BIN)/forum seed-demo
	$(BIN)/forum serve --host $(HOST) --port $(PORT)

## test: the whole suite (PostgreSQL/Redis tests run when FORUM_TEST_DATABASE_URL/FORUM_TEST_REDIS_URL are set)
test: install
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## test-fast: everything but the browser tests
test-fast: install
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup -m "not browser" $(PYTEST_ARGS)

## conformance: the API against its OpenAPI document: openapi-spec-validator, then Schemathesis against a
## running `forum serve` (fresh SQLite database with the demo) as a citizen and as the managing director,
## side by side (a server and database each)
conformance: install
	$(BIN)/python tests/conformance/run_schemathesis.py $(CONFORMANCE_ARGS)

## bench: issue 18's pages benchmark (wrk, gunicorn ceiling; see bench/README.md), e.g. BENCH_ARGS="--workers 1 2"
bench: install
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python bench/pages_bench.py $(BENCH_ARGS)

## bench-server: issue 18's server-side figures in one go (bench/RESULTS.md): the pages with `forum serve
## --workers 1` and `--workers 2` against the ceiling, then the live fan-out at 500 listeners incl. one
## `forum serve --workers 2`; Redis db BENCH_REDIS is the queue. BENCH_ARGS / FANOUT_ARGS pass options.
BENCH_REDIS ?= redis://127.0.0.1:6379/2
bench-server: install
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python bench/pages_bench.py --workers 1 2 --redis $(BENCH_REDIS) $(BENCH_ARGS)
	$(BIN)/python bench/live_fanout.py --sizes 500 --workers 2 --redis $(BENCH_REDIS) $(FANOUT_ARGS)

## translations: refresh the English catalogue from the German msgids and compile it
translations: install
	# --ignore-dirs: Babel's default also skips directories starting with "_" (templates/_macros/)
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs '.* __pycache__' -o forum/translations/messages.pot .
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel compile -d forum/translations

## lock: pin every dependency with its hashes for any platform and Python >= 3.11: requirements.lock
## (production) and requirements-test.lock (with the test extras, the same versions). Keeps the
## versions already pinned unless pyproject.toml needs others; `make lock LOCK_ARGS=--upgrade` takes
## the newest allowed ones, `LOCK_ARGS="--upgrade-package flask"` one package.
lock: $(LOCK_VENV)/bin/uv
	$(BUILD_REQUIRES) | $(LOCK_VENV)/bin/uv pip compile -q $(LOCK_FLAGS) $(LOCK_ARGS) pyproject.toml - -o requirements.lock
	$(BUILD_REQUIRES) | $(LOCK_VENV)/bin/uv pip compile -q $(LOCK_FLAGS) $(LOCK_ARGS) --extra test -c requirements.lock pyproject.toml - -o requirements-test.lock

## lock-check: fail when the lock files no longer match pyproject.toml (asks the package index;
## compares pins, markers and hashes, not the comments)
lock-check: $(LOCK_VENV)/bin/uv
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp requirements.lock requirements-test.lock "$$tmp"/ && \
	$(BUILD_REQUIRES) | $(LOCK_VENV)/bin/uv pip compile -q $(LOCK_FLAGS) pyproject.toml - -o "$$tmp/requirements.lock" && \
	$(BUILD_REQUIRES) | $(LOCK_VENV)/bin/uv pip compile -q $(LOCK_FLAGS) --extra test -c "$$tmp/requirements.lock" pyproject.toml - -o "$$tmp/requirements-test.lock" && \
	for f in requirements.lock requirements-test.lock; do \
	  grep -v '^ *#' $$f > "$$tmp/$$f.old" && grep -v '^ *#' "$$tmp/$$f" > "$$tmp/$$f.new" && \
	  diff -u "$$tmp/$$f.old" "$$tmp/$$f.new" || { echo "$$f is out of date: run make lock" >&2; exit 1; }; done && \
	echo "lock files match pyproject.toml"

## check-publiccode: publiccode.yml against the standard's JSON schema (docs/publiccode/README.md)
check-publiccode: $(LOCK_VENV)/bin/uv
	$(LOCK_VENV)/bin/pip install -q 'check-jsonschema==$(CHECK_JSONSCHEMA_VERSION)'
	$(LOCK_VENV)/bin/check-jsonschema --schemafile docs/publiccode/publiccode-0.4.schema.json publiccode.yml

$(LOCK_VENV)/bin/uv:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install -q 'uv==$(UV_VERSION)'

## help: this list: every target with its `## target:` comment
help:
	@awk 'BEGIN { printf "make TARGET, where TARGET is one of:" } /^## [a-z-]+:/ { sub(/^## /, ""); name = $$0; sub(/:.*/, "", name); text = $$0; \
	    sub(/^[a-z-]+: */, "", text); printf "\n  %-17s %s", name, text; next } \
	  /^## / { sub(/^## /, ""); printf " %s", $$0 } END { print "" }' $(MAKEFILE_LIST)

## clean: remove both virtual environments, the instance folder and pytest's cache
clean:
	rm -rf $(VENV) $(LOCK_VENV) instance .pytest_cache
