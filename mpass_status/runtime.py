"""What create_app attaches to the app, read back in one place: configuration, notices, results database."""

from pathlib import Path

from flask import Flask, current_app

from mpass_status.checks.store import ResultsStore, open_results
from mpass_status.config import SiteConfig
from mpass_status.config.settings import Settings
from mpass_status.notices.store import NoticeSet, NoticeStore

_CONFIG, _NOTICES, _RESULTS, _SETTINGS = "status_config", "notice_store", "results_db", "settings"


def attach(app: Flask, config: SiteConfig, settings: Settings) -> None:
    """Gives app its settings, its validated configuration and a store of the notices folder."""
    app.extensions[_SETTINGS] = settings
    app.extensions[_CONFIG] = config
    app.extensions[_NOTICES] = NoticeStore(settings.notices_dir, config, settings.notice_check_seconds)


def settings(app: Flask | None = None) -> Settings:
    """Returns the parsed settings of app (default: the current app)."""
    return (app or current_app).extensions[_SETTINGS]


def config(app: Flask | None = None) -> SiteConfig:
    """Returns the site configuration of app (default: the current app)."""
    return (app or current_app).extensions[_CONFIG]


def notice_store(app: Flask | None = None) -> NoticeStore:
    """Returns the store that keeps app's notices folder in memory."""
    return (app or current_app).extensions[_NOTICES]


def notices(app: Flask | None = None) -> NoticeSet:
    """Returns the notices as they are on disk now (re-read when the folder changes)."""
    return notice_store(app).current()


def database_target(app: Flask | None = None) -> str | Path:
    """Returns the results database: the DATABASE setting if given, else [probe] database (file or URL)."""
    app = app or current_app
    return settings(app).database or config(app).probe.database


def results(app: Flask | None = None) -> ResultsStore:
    """Returns app's results store, made on first use (it connects only when asked something)."""
    app = app or current_app
    db = app.extensions.get(_RESULTS)
    if db is None:
        db = app.extensions[_RESULTS] = open_results(database_target(app), config(app).probe.vantage)
    return db
