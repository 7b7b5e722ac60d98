"""Debian's newsboat, polling the Finnish and Swedish feeds from a real server, lists every kind of news as unread:
a new incident whose stated times are earlier than what it had read, an update, the cancellation of a maintenance
it had read, and a resolution."""

import os
import shutil
import sqlite3
import subprocess

import pytest

from ..helpers import build_site, commit_notices, edit, notices_folder, serve

MAINTENANCE = "2026-11-02-huoltokatko-tuotanto.md"
GOOGLE = "2026-11-20-google-hairio.md"
INCIDENT = """---
id: 2026-11-20-google-hairio
type: incident
severity: disrupted
affected: [google]
start: 2026-11-20 07:20
title:
  fi: Google-kirjautumisessa on häiriö
  sv: Störning i Google-inloggningen
summary:
  fi: Osa Google-tunnuksista ei toimi.
  sv: En del Google-konton fungerar inte.
updates:
  - time: 2026-11-20 07:25
    stage: investigating
    fi: Selvitämme Google-häiriötä.
    sv: Vi utreder Google-störningen.
---
"""
IDENTIFIED = """updates:
  - time: 2026-11-20 07:50
    stage: identified
    fi: Vika on löydetty.
    sv: Felet har hittats.
"""
RESOLVED = """updates:
  - time: 2026-11-20 08:30
    stage: resolved
    fi: Häiriö on ohi.
    sv: Störningen är över.
"""
FEEDS = ("/fi/feed.rss", "/sv/feed.atom")


class Newsboat:
    """newsboat with its own cache, configuration and home in a test folder, reloading feeds from the command line."""

    def __init__(self, folder, urls: list[str]):
        self.folder = folder
        (folder / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
        (folder / "config").write_text("", encoding="utf-8")
        self.cache = folder / "cache.db"

    def reload(self) -> None:
        env = {**os.environ, "HOME": str(self.folder), "XDG_CONFIG_HOME": str(self.folder), "LC_ALL": "C.UTF-8"}
        command = ["newsboat", "-u", "urls", "-c", str(self.cache), "-C", "config", "-x", "reload"]
        subprocess.run(command, cwd=self.folder, env=env, check=True, capture_output=True, timeout=120)

    def unread(self) -> dict[str, set[str]]:
        """Returns the titles of the unread items of each feed, by the feed's address path."""
        with sqlite3.connect(self.cache) as db:
            rows = db.execute("SELECT feedurl, title FROM rss_item WHERE unread = 1 AND deleted = 0").fetchall()
        found: dict[str, set[str]] = {}
        for url, title in rows:
            found.setdefault("/" + url.split("/", 3)[3], set()).add(title)
        return found

    def read_all(self) -> None:
        with sqlite3.connect(self.cache) as db:
            db.execute("UPDATE rss_item SET unread = 0")


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is installed by make system-packages")
def test_newsboat_lists_each_kind_of_news_as_unread_in_its_language(tmp_path):
    app = build_site(tmp_path / "site")
    folder = notices_folder(app)
    commit_notices(folder, "Published", when="2026-12-10T10:00:00+02:00")
    (tmp_path / "reader").mkdir()
    with serve(app) as base:
        reader = Newsboat(tmp_path / "reader", [base + path for path in FEEDS])
        reader.reload()
        assert len(reader.unread()["/fi/feed.rss"]) == 6
        reader.read_all()

        def news_after(change, message: str, when: str) -> dict[str, set[str]]:
            change()
            commit_notices(folder, message, when=when)
            reader.reload()
            found = reader.unread()
            reader.read_all()
            return found

        def publish():
            (folder / GOOGLE).write_text(INCIDENT, encoding="utf-8")

        # Every time the new incident states is earlier than the Wilma update newsboat has read.
        assert news_after(publish, "Google incident", "2026-12-10T11:00:00+02:00") == {
            "/fi/feed.rss": {"Google-kirjautumisessa on häiriö – Selvitetään"},
            "/sv/feed.atom": {"Störning i Google-inloggningen – Utreds"},
        }
        assert news_after(
            lambda: edit(folder / GOOGLE, "updates:\n", IDENTIFIED), "Identified", "2026-12-10T11:30:00+02:00"
        ) == {
            "/fi/feed.rss": {"Google-kirjautumisessa on häiriö – Syy löydetty"},
            "/sv/feed.atom": {"Störning i Google-inloggningen – Orsaken har hittats"},
        }
        # The maintenance lies in the future, and newsboat had read it.
        assert news_after(
            lambda: edit(folder / MAINTENANCE, "end: 2099-03-14 20:00\n", "end: 2099-03-14 20:00\ncancelled: true\n"),
            "Cancel the break",
            "2026-12-10T12:00:00+02:00",
        ) == {
            "/fi/feed.rss": {"Peruttu: Tuotantoympäristön huoltokatko"},
            "/sv/feed.atom": {"Inställt: Underhållsavbrott i produktionsmiljön"},
        }

        def resolve():
            edit(folder / GOOGLE, "start: 2026-11-20 07:20\n", "start: 2026-11-20 07:20\nend: 2026-11-20 08:30\n")
            edit(folder / GOOGLE, "updates:\n", RESOLVED)

        assert news_after(resolve, "Resolved", "2026-12-10T12:30:00+02:00") == {
            "/fi/feed.rss": {"Google-kirjautumisessa on häiriö – Korjattu"},
            "/sv/feed.atom": {"Störning i Google-inloggningen – Åtgärdat"},
        }
