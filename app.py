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
from mpass_status.config.settings import SettingsError, defaults, load_settings
from mpass_status.notices import cli as notices_cli
from mpass_status.notices.sync import from_settings
from mpass_status.notify import cli as notify_cli
from mpass_status.notify import routes as subscriptions
from mpass_status.notify import webhook_cli, webhook_routes
from mpass_status.notify.alerts import start_background as start_alerts
from mpass_status.notify.sender import start_background as start_sender
from mpass_status.notify.webhook_sender import start_background as start_webhooks
from mpass_status.web import (
    assets,
    cache_policy,
    copy_age,
    cors,
    dates,
    errors,
    export_watch,
    hooks,
    labels,
    language,
    page_cache,
    pages,
    readiness,
    security,
    status_api,
)
from mpass_status.web.feeds import routes as feeds

ROOT = Path(__file__).resolve().parent


def create_app(test_config: dict | None = None) -> Flask:
    """Creates the site: defaults, then instance/config.py, then the environment, then test_config.

    A mistake in the configuration stops here, before anything is served, with one `path:line: message`
    line per mistake (SystemExit, so `flask`, gunicorn and tests all see it).
    """
    app = Flask(__name__, instance_path=str(ROOT / "instance"), instance_relative_config=True)
    app.config.from_mapping(defaults(ROOT))
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    try:
        settings = load_settings(app.config, os.environ, test_config)
        config = load_config(settings.status_config)
    except (SettingsError, ConfigError) as exc:
        raise SystemExit(str(exc)) from None
    if settings.vantage:
        config = replace(config, probe=replace(config.probe, vantage=settings.vantage))
    runtime.attach(app, config, settings)
    language.init_app(app)
    dates.init_app(app)
    labels.init_app(app)
    # The cache's after_request hook runs last (hooks run in reverse), keeping the security headers.
    page_cache.init_app(app)
    cache_policy.init_app(app)
    cors.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    copy_age.init_app(app)
    errors.init_app(app)
    pages.init_app(app)
    feeds.init_app(app)
    status_api.init_app(app)
    readiness.init_app(app)
    hooks.init_app(app)
    export_watch.init_app(app)
    subscriptions.init_app(app)
    webhook_routes.init_app(app)
    webhook_cli.init_app(app)
    notify_cli.init_app(app)
    notices_cli.init_app(app, settings.notices_dir, config, lambda: from_settings(settings, config, app.instance_path))
    probe_cli.init_app(app, config, lambda: runtime.results(app))
    if settings.probe_in_background and _serves_requests():
        start_background(config, runtime.results(app))
    if _serves_requests():
        # The e-mail sender and the operator alerts, when set up (STATUS_SEND=0 leaves them to flask notify --watch):
        # outbox rows are claimed and the alerts take an flock, so several workers never send twice.
        start_sender(app)
        start_alerts(app)
        start_webhooks(app)
    if settings.export_dir and _serves_requests():
        # The exporter renders on an app of its own, built from the same settings, without prober or export.
        own = {**(test_config or {}), "PROBE_IN_BACKGROUND": False, "EXPORT_DIR": None}
        own |= {"STATUS_CONFIG": settings.status_config, "NOTICES_DIR": settings.notices_dir}
        own |= {"DATABASE": settings.database, "NOTICES_PER_PAGE": settings.notices_per_page}
        export_watch.start_background(lambda: create_app(own), settings.export_dir)
    return app


def _serves_requests() -> bool:
    """Returns whether this process is a web server: a WSGI server's import, or `flask run`.

    Other `flask` commands (probe, notices check, freeze) build the app too; a prober there would probe
    twice (`probe --watch`) or write results from a command that only reads.
    """
    command = click.get_current_context(silent=True)
    return command is None or command.info_name == "run"
