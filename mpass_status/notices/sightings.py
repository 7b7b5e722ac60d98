"""The first time the site saw each version of a notice, for a folder outside git (the record of news's clock there).

One JSON file beside the notices folder (`.<folder>.news.json`, as the parse cache is kept), read, merged and
replaced atomically under an flock, so that every worker of the site keeps the time the first one saw. The
versions found when the file is first made prepared the archive: they keep the times they state. A folder
whose parent cannot be written keeps its record in memory for as long as the process runs.
"""

import fcntl
import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from mpass_status.files import atomic_file

log = logging.getLogger(__name__)
_memory: dict[Path, dict] = {}
_memory_lock = threading.Lock()


def record_path(folder: Path) -> Path:
    """Returns where the sightings of folder's notices are kept."""
    folder = Path(folder)
    return folder.parent / f".{folder.name}.news.json"


def _merge(kept: dict, held: dict[str, dict], now: datetime, committed: dict[str, datetime]) -> bool:
    """Adds to kept each version not yet seen, stamped now ("at") or when its commit was made where the sync
    recorded it (and it is not older than the version before); returns whether anything was added."""
    first = not kept
    seen = kept.setdefault("notices", {})
    added = False
    for notice_id, version in held.items():
        versions = seen.setdefault(notice_id, [])
        if versions and {**versions[-1], "at": None} == {**version, "at": None}:
            continue
        at = committed.get(notice_id, now)
        if versions and versions[-1]["at"] and datetime.fromisoformat(versions[-1]["at"]) >= at:
            at = now
        versions.append({**version, "at": None if first else at.isoformat()})
        added = True
    return added or first


def record(
    folder: Path, held: dict[str, dict], now: datetime | None = None, committed: dict[str, datetime] | None = None
) -> dict[str, list[dict]]:
    """Records the versions the folder holds now (notice id -> a version as JSON, its "at" left out) and returns
    every version seen of each of these notices, oldest first, each with "at": when first seen, or the time of
    the commit that brought it as `flask notices sync` recorded it (committed, by notice id), so that every
    server the sync publishes to agrees (None for the versions found when the record was made)."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    committed = committed or {}
    path = record_path(folder)
    try:
        kept = _record_on_disk(path, held, now, committed)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("news record %s kept in memory: %s", path, exc)
        with _memory_lock:
            kept = _memory.setdefault(path, {})
            _merge(kept, held, now, committed)
    seen = kept.get("notices", {})
    return {notice_id: list(seen.get(notice_id, [])) for notice_id in held}


def _record_on_disk(path: Path, held: dict[str, dict], now: datetime, committed: dict[str, datetime]) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            kept = {}
        if not isinstance(kept, dict):
            raise ValueError("not a record of sightings")
        if _merge(kept, held, now, committed):
            with atomic_file(path) as out:
                out.write(json.dumps(kept, ensure_ascii=False, sort_keys=True).encode())
        return kept
