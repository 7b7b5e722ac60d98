"""Results the prober has found but could not yet store (the database locked, full, gone), kept in a file
beside a SQLite database so that every process's pages count them: the page never shows older evidence as
current while the database cannot be written. The prober writes the file on every round it keeps in memory
and removes it once those rounds are stored; readers merge it into what they read from the database.

A PostgreSQL store has no such file: its pages run on other machines, and a server they cannot reach makes
the status unknown by itself."""

import json
import logging
from datetime import datetime
from pathlib import Path

from mpass_status.checks.results import CheckResult
from mpass_status.files import read_regular, write_atomically

log = logging.getLogger(__name__)
# The newest results of each check, component and vantage point the file holds: the thresholds' need.
KEPT = 20
# A file larger than this is not the prober's: it is ignored.
LARGEST = 2 * 1024 * 1024


def _key(result: CheckResult) -> tuple:
    return result.check_id, result.component, result.vantage


def _record(result: CheckResult) -> dict:
    return {
        "time": result.time.isoformat(),
        "check_id": result.check_id,
        "kind": str(result.kind),
        "component": result.component,
        "environment": result.environment,
        "target": result.target,
        "outcome": str(result.outcome),
        "response_ms": result.response_ms,
        "code": result.code,
        "params": result.params,
        "vantage": result.vantage,
    }


def write(path: Path, results) -> None:
    """Replaces the file at path with the newest KEPT of results (oldest first) of each check and component."""
    newest: dict[tuple, list[CheckResult]] = {}
    for result in results:
        newest.setdefault(_key(result), []).append(result)
    kept = sorted((r for found in newest.values() for r in found[-KEPT:]), key=lambda r: r.time)
    write_atomically(path, json.dumps([_record(r) for r in kept]).encode())


def clear(path: Path) -> None:
    """Removes the file: everything in it is stored."""
    path.unlink(missing_ok=True)


def stamped(last_round: datetime | None, path: Path | None):
    """Returns the newest stored round's time, with the file's change time when there is a file at path: what
    the freshness clocks compare, so rendered pages go stale whenever either changes."""
    try:
        return f"{last_round} {path.stat().st_mtime_ns}" if path is not None else last_round
    except OSError:
        return last_round


def read(path: Path | None) -> list[CheckResult]:
    """Returns the results in the file at path, oldest first; none when there is no file or it is not readable."""
    if path is None:
        return []
    try:
        data = read_regular(path)
        if len(data) > LARGEST:
            raise ValueError(f"larger than {LARGEST} bytes")
        return [
            CheckResult(**{**record, "time": datetime.fromisoformat(record["time"])}) for record in json.loads(data)
        ]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("unsaved results %s not read: %s", path, exc)
        return []


def merged(stored, unsaved) -> list[CheckResult]:
    """Returns stored results with the unsaved ones after them, oldest first.

    A round stored a moment before its file was removed is in both: counted once.
    """
    seen = {(*_key(r), r.time) for r in stored}
    return sorted(list(stored) + [r for r in unsaved if (*_key(r), r.time) not in seen], key=lambda r: r.time)
