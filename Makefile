# Smart-City-Forum — the two quick-start commands are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2

.PHONY: install run test test-fast conformance translations bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
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
## running `forum serve` (fresh SQLite database with the demo) as a citizen and as the managing director
conformance: install
	$(BIN)/python tests/conformance/run_schemathesis.py $(CONFORMANCE_ARGS)

## translations: refresh the English catalogue from the German msgids and compile it
translations: install
	# --ignore-dirs: Babel's default also skips directories starting with "_" (templates/_macros/)
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs '.* __pycache__' -o forum/translations/messages.pot .
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel compile -d forum/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
