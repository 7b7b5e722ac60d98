"""Keeps the parsed notices of a folder in memory and reloads them when files change."""

import gc
import hashlib
import json
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from datetime import time as time_of_day
from pathlib import Path
from stat import S_ISLNK, S_ISREG

from mpass_status.config import SiteConfig
from mpass_status.files import read_regular
from mpass_status.notices import parse_cache
from mpass_status.notices.history import FileHistory, folder_history, git_index
from mpass_status.notices.messages import NoticeProblem
from mpass_status.notices.model import Notice
from mpass_status.notices.parser import parse_notice
from mpass_status.problems import Problem

log = logging.getLogger(__name__)
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_FROM = 400
# Written by `flask notices sync` beside the notices it publishes: the live commit and what it held back.
STATE = ".sync.json"


def is_notice_candidate(path: Path) -> bool:
    """Tells whether a file in the notices folder is meant to be a notice."""
    return path.suffix == ".md" and path.name != "README.md" and not path.name.startswith(("_", "."))


def read_state(folder: Path) -> dict | None:
    """Returns what the last sync recorded in folder, or None when the folder was never synced."""
    try:
        state = json.loads((Path(folder) / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


@dataclass(frozen=True)
class NoticeSet:
    """Every valid notice, newest first, with the problems of the files that were skipped."""

    notices: tuple[Notice, ...]
    by_slug: dict[str, Notice]
    by_id: dict[str, Notice]
    problems: tuple[Problem, ...]
    # Changes whenever any notice file changes: pages and feeds key their caches on it.
    version: str
    loaded_at: float
    # The sync's record (live commit, notices held back), None where the folder is not synced from git.
    sync: dict | None = None


def _parse_all(
    paths: list[Path], config: SiteConfig, folder_name: str, parallel_from: int, parse=parse_notice
) -> Iterator:
    # Yields parse(path, config, shown) for each path in order, as the results come.
    shown = [f"{folder_name}/{path.name}" for path in paths]
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < parallel_from or workers < 2:
        yield from map(parse, paths, [config] * len(paths), shown)
        return
    # A cold start on a large archive parses on every core; forkserver because
    # the server process may already run threads that fork would copy mid-lock.
    context = multiprocessing.get_context("forkserver")
    # The fork server imports the parser once; each worker forked from it starts with it loaded.
    context.set_forkserver_preload([parse.__module__])
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            chunk = max(1, len(paths) // (workers * 8))
            for result in pool.map(parse, paths, [config] * len(paths), shown, chunksize=chunk):
                yield result
                done += 1
    except (BrokenProcessPool, OSError) as exc:
        # Workers cannot start everywhere (a __main__ that is not a file, no /dev/shm): parse here instead.
        log.warning("parallel loading failed (%s); loading the notices in this process", exc)
        yield from map(parse, paths[done:], [config] * (len(paths) - done), shown[done:])


def _parse_at_start(folder: Path, paths: list[Path], config: SiteConfig, parallel_from: int) -> dict:
    # A cold start takes what an earlier process parsed from files with the same bytes and parses the rest.
    # The workers hash and pickle what they parse, and the pickles go into the new cache as they come, so
    # neither the parses nor the cache is held twice. Reloads while running parse only changed files.
    where, version = parse_cache.cache_path(folder), parse_cache.parser_version(config)
    path_of = {}
    if where.exists():
        for path in paths:
            with suppress(OSError):  # parse_notice reports what cannot be read
                path_of[parse_cache.content_key(f"{folder.name}/{path.name}", read_regular(path))] = path
    parsed, outdated = {}, False
    for key, blob in parse_cache.records(where, version):
        found = parse_cache.decode(blob) if key in path_of else None
        if found is None:
            outdated = True
        else:
            parsed[path_of[key]] = found
    missing = [path for path in paths if path not in parsed]
    if missing or outdated:
        entries = _new_cache(folder, (where, version), path_of, parsed, missing, config, parallel_from)
        parse_cache.write(where, version, entries)
    return parsed


def _new_cache(folder: Path, cache: tuple, path_of: dict, parsed: dict, missing: list[Path], config, parallel_from):
    # Yields the new cache's entries: the kept ones still used, copied as they are, then each missing file's
    # parse as it comes from the workers (filling in parsed).
    kept = {key for key, path in path_of.items() if path in parsed}
    for key, blob in parse_cache.records(*cache):
        if key in kept:
            kept.discard(key)
            yield key, blob
    found = _parse_all(missing, config, folder.name, parallel_from, parse_cache.parse_keyed)
    for path, (key, blob) in zip(missing, found, strict=True):
        parsed[path] = parse_cache.decode(blob)
        if key is not None:
            yield key, blob


def load_folder(
    folder: Path, config: SiteConfig, previous: dict | None = None, parallel_from: int = PARALLEL_FROM
) -> tuple[NoticeSet, dict]:
    """Parses every notice in folder, reusing unchanged files from previous; returns the set and reuse table."""
    reuse = previous or {}
    keys, links = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not is_notice_candidate(path):
            continue
        try:
            stat = path.lstat()
        except OSError:  # removed or replaced since the folder was listed: the next check sees it
            continue
        if S_ISLNK(stat.st_mode):
            # A link could publish any file the server can read, from anywhere: a notice is a file of its own.
            links.append(NoticeProblem.of(f"{folder.name}/{path.name}", 1, "notice_link"))
        elif S_ISREG(stat.st_mode):
            keys.append(((path.name, stat.st_mtime_ns, stat.st_size), path))
    fresh = [path for key, path in keys if key not in reuse]
    if previous is None:
        parsed = _parse_at_start(folder, fresh, config, parallel_from)
    else:
        parsed = dict(zip(fresh, _parse_all(fresh, config, folder.name, parallel_from), strict=True))
    table = {key: reuse.get(key) or parsed[path] for key, path in keys}
    notices, problems = [], list(links)
    for notice, found in table.values():
        problems.extend(found)
        if notice:
            notices.append(notice)
    seen: dict[str, Notice] = {}
    unique = []
    for notice in notices:
        if notice.id in seen:
            problems.append(NoticeProblem.of(notice.path, 1, "duplicate_id", id=notice.id, other=seen[notice.id].path))
            continue
        seen[notice.id] = notice
        unique.append(notice)
    sync = read_state(folder)
    history = _history(folder, sync)
    since = config.corrections_from
    since = datetime.combine(since, time_of_day(0), tzinfo=config.timezone) if since else None
    unique = [_with_history(n, history.get(f"{n.slug}.md"), since) for n in unique]
    unique.sort(key=lambda n: (n.published, n.slug), reverse=True)
    stamp = repr((sorted(table), sync and sync.get("commit"), sorted(history.items())))
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    by_slug, by_id = {n.slug: n for n in unique}, {n.id: n for n in unique}
    notice_set = NoticeSet(tuple(unique), by_slug, by_id, tuple(problems), digest, time.time(), sync)
    return notice_set, table


def _history(folder: Path, sync: dict | None) -> dict[str, FileHistory]:
    # A synced folder carries its history in the sync's record; a checkout asks git; anything else has none.
    if sync is None:
        return folder_history(folder)
    found = {}
    for name, record in (sync.get("files") or {}).items():
        try:
            found[name] = FileHistory(tuple(datetime.fromisoformat(moment) for moment in record["commits"]))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def _with_history(notice: Notice, history: FileHistory | None, since: datetime | None) -> Notice:
    if history is None:
        return notice
    return replace(notice, changed=history.corrected(since), revisions=len(history.commits))


class NoticeStore:
    """Serves the current NoticeSet, checking the folder at most every check_seconds."""

    def __init__(self, folder, config: SiteConfig, check_seconds: float = 2.0):
        self.folder, self.config, self.check_seconds = Path(folder), config, check_seconds
        self._lock = threading.Lock()
        self._table: dict | None = None  # None until the first load, which may use the parse cache
        self._signature = None
        self._checked = 0.0
        self._current: NoticeSet | None = None
        self._index: Path | None | bool = False  # not yet asked

    def check_at_least_every(self, seconds: float) -> None:
        """Asks the folder at least every `seconds` from now on (a watcher that polls more often than readers)."""
        self.check_seconds = min(self.check_seconds, seconds)

    def _folder_signature(self):
        # The folder's own mtime changes when git adds, removes or replaces a file;
        # the newest file mtime catches an editor that rewrites a file in place;
        # the checkout's index, a commit that changes the notices' history.
        if self._index is False:
            self._index = git_index(self.folder) if self.folder.is_dir() else None
        try:
            entries = list(self.folder.iterdir())
            index = self._index.stat().st_mtime_ns if self._index and self._index.exists() else 0
            return (
                self.folder.stat().st_mtime_ns,
                len(entries),
                max((p.lstat().st_mtime_ns for p in entries if p.suffix == ".md"), default=0),
                index,
            )
        except OSError:
            return None

    def current(self) -> NoticeSet:
        """Returns the notices as they are on disk now (within check_seconds)."""
        now = time.monotonic()
        if self._current is not None and now - self._checked < self.check_seconds:
            return self._current
        # One thread asks the folder (10,000 files to stat) while the others go on with what is loaded.
        if not self._lock.acquire(blocking=self._current is None):
            return self._current
        try:
            if self._current is not None and now - self._checked < self.check_seconds:
                return self._current
            signature = self._folder_signature()
            if self._current is None or signature != self._signature:
                gc.unfreeze()
                # A load makes hundreds of thousands of objects that all live on, which would set off many
                # collections walking them meanwhile (half a cold start's time); one collection follows.
                collecting = gc.isenabled()
                gc.disable()
                try:
                    self._current, self._table = load_folder(self.folder, self.config, self._table)
                finally:
                    if collecting:
                        gc.enable()
                self._signature = signature
                # The notices live until the next reload: moving them out of the cyclic garbage
                # collector's reach (once the old ones are collected) keeps a large archive from
                # slowing every request with full collections.
                gc.collect()
                gc.freeze()
                for problem in self._current.problems:
                    if problem.warning:
                        log.info("%s", problem)
                    else:
                        log.error("notice skipped: %s", problem)
            self._checked = now
        finally:
            self._lock.release()
        return self._current
