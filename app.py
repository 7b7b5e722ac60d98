"""Builds the MPASSid status site: `flask --app app run`, or `create_app()` from a WSGI server."""

import os
from dataclasses import replace
from pathlib import Path

import click
from flask import Flask

from mpass_status import runtime
from mpass_status.checks import cli as probe_cli
from mpass_status.checks.scheduler import start_background
from mpass_status.config import ConfigError, load_config
from mpass_status.notices import cli as notices_cli
from mpass_status.web import (
    assets,
    cache_policy,
    dates,
    errors,
    export,
    export_watch,
    hooks,
    labels,
    language,
    page_cache,
    pages,
    security,
    status_api,
)
from mpass_status.web.feeds import routes as feeds

ROOT = Path(__file__).resolve().parent
# Environment variables that may override a setting, read after instance/config.py.
ENVIRONMENT = {
    "STATUS_CONFIG": "STATUS_CONFIG",
    "STATUS_NOTICES": "NOTICES_DIR",
    "STATUS_DATABASE": "DATABASE",
    # Any non-empty value starts the prober inside the site (one per results database).
    "STATUS_PROBE": "PROBE_IN_BACKGROUND",
    # Where this machine's prober runs, overriding [probe] vantage (several probers, one configuration).
    "STATUS_VANTAGE": "VANTAGE",
    # A folder the site keeps as a live static export (one watcher per folder, like the prober).
    "STATUS_EXPORT": "EXPORT_DIR",
    # Publishing from git (`flask notices sync`, POST /hooks/git): the repository, its branch and the
    # folder in it that holds the notices, and the secret a forge signs its push deliveries with.
    "STATUS_NOTICES_REMOTE": "NOTICES_REMOTE",
    "STATUS_NOTICES_BRANCH": "NOTICES_BRANCH",
    "STATUS_NOTICES_REMOTE_PATH": "NOTICES_REMOTE_PATH",
    "STATUS_HOOK_SECRET": "HOOK_SECRET",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Creates the site: defaults, then instance/config.py, then the environment, then test_config.

    A mistake in the configuration stops here, before anything is served, with one `path:line: message`
    line per mistake (SystemExit, so `flask`, gunicorn and tests all see it).
    """
    app = Flask(__name__, instance_path=str(ROOT / "instance"), instance_relative_config=True)
    app.config.from_mapping(
        PROJECT_ROOT=ROOT,
        STATUS_CONFIG=str(ROOT / "status.toml"),
        NOTICES_DIR=str(ROOT / "notices"),
        # The results database: None means the [probe] database of the configuration.
        DATABASE=None,
        NOTICE_CHECK_SECONDS=2.0,
        NOTICES_PER_PAGE=20,
        NOTICES_REMOTE=None,
        NOTICES_BRANCH="main",
        NOTICES_REMOTE_PATH="notices",
        # The bare clone the sync fetches into: None means instance/notices.git.
        NOTICES_MIRROR=None,
        HOOK_SECRET=None,
        HOOK_MIN_SECONDS=5.0,
        EXPORT_DIR=None,
        VANTAGE=None,
    )
    app.config.from_pyfile("config.py", silent=True)
    for variable, key in ENVIRONMENT.items():
        if os.environ.get(variable):
            app.config[key] = os.environ[variable]
    if test_config:
        app.config.from_mapping(test_config)

    try:
        config = load_config(app.config["STATUS_CONFIG"])
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    if app.config.get("VANTAGE"):
        config = replace(config, probe=replace(config.probe, vantage=app.config["VANTAGE"].strip()))
    runtime.attach(app, config)
    language.init_app(app)
    dates.init_app(app)
    labels.init_app(app)
    # The cache's after_request hook runs last (hooks run in reverse), keeping the security headers.
    page_cache.init_app(app)
    cache_policy.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    pages.init_app(app)
    feeds.init_app(app)
    status_api.init_app(app)
    hooks.init_app(app)
    export.init_app(app)
    export_watch.init_app(app)
    notices_cli.init_app(app)
    probe_cli.init_app(app)
    if app.config.get("PROBE_IN_BACKGROUND") and _serves_requests():
        start_background(config, runtime.results(app))
    if app.config.get("EXPORT_DIR") and _serves_requests():
        # The exporter renders on an app of its own, built from the same settings, without prober or export.
        settings = {key: app.config[key] for key in ("STATUS_CONFIG", "NOTICES_DIR", "DATABASE", "NOTICES_PER_PAGE")}
        export_watch.start_background(
            lambda: create_app({**settings, "PROBE_IN_BACKGROUND": "", "EXPORT_DIR": None}), app.config["EXPORT_DIR"]
        )
    return app


def _serves_requests() -> bool:
    """Returns whether this process is a web server: a WSGI server's import, or `flask run`.

    Other `flask` commands (probe, notices check, freeze) build the app too; a prober there would probe
    twice (`probe --watch`) or write results from a command that only reads.
    """
    command = click.get_current_context(silent=True)
    return command is None or command.info_name == "run"
