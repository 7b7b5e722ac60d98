"""What create_app attaches to the app, in one typed AppState under one key, read back through state()."""

from dataclasses import dataclass, field
from functools import cached_property

from flask import Flask, current_app

from mpass_status.checks import unsaved
from mpass_status.checks.store import ResultsStore, open_results
from mpass_status.config import SiteConfig
from mpass_status.config.settings import Settings
from mpass_status.notices.news import NewsEvent, NewsRecord
from mpass_status.notices.store import NoticeSet, NoticeStore
from mpass_status.web.freshness import Freshness, PerSecond
from mpass_status.web.hook_worker import HookState
from mpass_status.web.page_store import PageCache

KEY = "mpass_status"


@dataclass(eq=False)
class AppState:
    """Everything one app holds beyond Flask's own: its settings and configuration, the notices and results
    stores, and what the web parts keep between requests. Made by attach() while create_app runs and not
    replaced afterwards; the results store is opened on first use."""

    settings: Settings
    config: SiteConfig
    notices: NoticeStore
    page_cache: PageCache = field(default_factory=PageCache)
    hook: HookState = field(default_factory=HookState)
    # Static file name -> the name that carries its content's hash, and back (filled by assets.init_app).
    assets: dict[str, str] = field(default_factory=dict)
    assets_by_fingerprint: dict[str, str] = field(default_factory=dict)
    freshness: Freshness = field(init=False)
    memo: PerSecond = field(init=False)

    def __post_init__(self):
        # Read through self: a store opened later, or another notice store, is what the clocks see.
        self.freshness = Freshness(
            lambda: self.notices.current().version,
            # Results the prober could not store yet change the answers too (checks/unsaved.py).
            lambda: unsaved.stamped(self.results.last_round_time(), self.results.unsaved_path),
            self.settings.status_version_seconds,
        )
        self.memo = PerSecond(self.freshness)

    @cached_property
    def results(self) -> ResultsStore:
        """The results store: the DATABASE setting if given, else [probe] database (it connects when asked)."""
        return open_results(self.settings.database or self.config.probe.database, self.config.probe.vantage)

    @cached_property
    def news(self) -> NewsRecord:
        """The record of news of the notices folder (notices/news.py), derived again when the notices change."""
        return NewsRecord(self.settings.notices_dir, self.config)


def attach(app: Flask, config: SiteConfig, settings: Settings) -> AppState:
    """Gives app its state: its settings, its validated configuration and a store of its notices folder."""
    notices = NoticeStore(settings.notices_dir, config, settings.notice_check_seconds)
    found = app.extensions[KEY] = AppState(settings, config, notices)
    return found


def state(app: Flask | None = None) -> AppState:
    """Returns the state of app (default: the current app)."""
    return (app or current_app).extensions[KEY]


def settings(app: Flask | None = None) -> Settings:
    """Returns the parsed settings of app (default: the current app)."""
    return state(app).settings


def config(app: Flask | None = None) -> SiteConfig:
    """Returns the site configuration of app."""
    return state(app).config


def notices(app: Flask | None = None) -> NoticeSet:
    """Returns app's notices as they are on disk now (re-read when the folder changes)."""
    return state(app).notices.current()


def results(app: Flask | None = None) -> ResultsStore:
    """Returns app's results store, made on first use (it connects only when asked something)."""
    return state(app).results


def news(app: Flask | None = None) -> tuple[NewsEvent, ...]:
    """Returns every event of app's record of news (notices/news.py), oldest first in publication order."""
    found = state(app)
    return found.news.events(found.notices.current())
