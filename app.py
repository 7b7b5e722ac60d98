"""Builds the MPASSid status site: `flask --app app run`, or `create_app()` from a WSGI server."""

import os
from pathlib import Path

from flask import Flask

from mpass_status import (
    errors,
    feeds,
    freeze,
    i18n,
    labels,
    notice_cli,
    page_cache,
    pages,
    prober,
    security,
    states,
    status_api,
)
from mpass_status.config import ConfigError, load_config
from mpass_status.notice_store import NoticeStore

ROOT = Path(__file__).resolve().parent
# Environment variables that may override a setting, read after instance/config.py.
ENVIRONMENT = {
    "STATUS_CONFIG": "STATUS_CONFIG",
    "STATUS_NOTICES": "NOTICES_DIR",
    "STATUS_DATABASE": "DATABASE",
    # Any non-empty value starts the prober inside the site (one per deployment, see prober.py).
    "STATUS_PROBE": "PROBE_IN_BACKGROUND",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Creates the site: defaults, then instance/config.py, then the environment, then test_config."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), instance_relative_config=True)
    app.config.from_mapping(
        PROJECT_ROOT=ROOT,
        STATUS_CONFIG=str(ROOT / "status.toml"),
        NOTICES_DIR=str(ROOT / "notices"),
        DATABASE=str(Path(app.instance_path) / "status.sqlite3"),
        NOTICE_CHECK_SECONDS=2.0,
        NOTICES_PER_PAGE=20,
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
        # Whoever starts the site (flask, gunicorn, a test) sees the one line that matters.
        raise SystemExit(f"configuration error: {exc}") from None
    app.extensions["status_config"] = config
    app.extensions["notice_store"] = NoticeStore(app.config["NOTICES_DIR"], config, app.config["NOTICE_CHECK_SECONDS"])
    i18n.init_app(app)
    labels.init_app(app)
    states.init_app(app)
    # The cache's after_request hook runs last (hooks run in reverse), keeping the security headers.
    page_cache.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    notice_cli.init_app(app)
    prober.init_app(app)
    status_api.init_app(app)
    app.register_blueprint(pages.bp)
    feeds.init_app(app)
    app.add_url_rule("/", "root", pages.root)
    freeze.init_app(app)
    if app.config.get("PROBE_IN_BACKGROUND"):
        prober.start_background(app)
    return app
