"""A feed's or calendar's Last-Modified: when its news was published, or when its bytes first changed without news.

The record of news moves Last-Modified with every notice that changes, the same on every clone and worker. Bytes
can change without news too (a component renamed in status.toml, a new release's wording, an entry leaving the
newest fifty): then a poller that sends only If-Modified-Since would get 304 and miss it. So each answer's ETag is
kept with the Last-Modified it was given (`.<folder>.served.json` beside the notices folder, merged under an
flock); bytes that differ from the kept ones while the news time has not moved are dated when first served.
"""

import fcntl
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mpass_status.files import atomic_file

log = logging.getLogger(__name__)


def record_path(folder: Path) -> Path:
    """Returns where the validators served for a notices folder's feeds are kept."""
    folder = Path(folder)
    return folder.parent / f".{folder.name}.served.json"


def last_modified(path: Path, key: str, etag: str, news_time: datetime, now: datetime | None = None) -> datetime:
    """Returns the Last-Modified of the answer key whose bytes hash to etag, its news published at news_time."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    try:
        with open(path.with_name(path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                kept = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                kept = {}
            if not isinstance(kept, dict):
                raise ValueError("not a record of validators")
            before = kept.get(key)
            since = _since(before, etag, news_time, now)
            if before != [etag, since.isoformat()]:
                kept[key] = [etag, since.isoformat()]
                with atomic_file(path) as out:
                    out.write(json.dumps(kept, sort_keys=True).encode())
            return since
    except (OSError, ValueError, TypeError) as exc:
        log.info("feed validators not kept at %s: %s", path, exc)
        return news_time


def _since(before, etag: str, news_time: datetime, now: datetime) -> datetime:
    if not isinstance(before, list) or len(before) != 2:
        return news_time
    kept_etag, kept_since = before[0], datetime.fromisoformat(before[1])
    if kept_etag == etag:
        return max(kept_since, news_time)
    # New bytes: dated by their news if it moved past what was served, else by when they were first served.
    # (A second later at least: HTTP dates have no finer grain, and the kept time may lie ahead of this clock.)
    return news_time if news_time > kept_since else max(now, kept_since + timedelta(seconds=1))
