# casedesk: `make run` serves it, `make test` checks it. Both create .venv/ at the project root.
VENV   := .venv
PY     := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test lint messages bench clean

$(PY):
	python3 -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-run

# The portal's gettext catalogues (casedesk/locale/*/LC_MESSAGES/django.po) -> .mo, with Debian's msgfmt;
# up-to-date .mo files are skipped. Runs before the server and before pytest.
messages: $(VENV)/.installed-run
	$(VENV)/bin/casedesk compilemessages -v0 --ignore .venv --ignore var --ignore bench

run: messages
	$(VENV)/bin/casedesk up

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint messages
	bash scripts/system-packages.sh
	PG_URL=$(PG_URL) bash scripts/test-passes.sh

bench: $(VENV)/.installed-dev
	$(PY) bench/sla_engine.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
