"""The outages the automatic checks found, kept after they end so that Statuspage clients see them resolved.

The live status knows only the fault the checks see now; a client that polls incidents.json would see a check-found
outage vanish when it ends. Each fault the status API sees is kept here by its id (the time it began): its
components, reasons and impact, the newest evidence, and once the checks find every one of its components
operational again, when it was resolved. Kept as JSON beside a SQLite results file (read, merged and replaced
atomically under an flock, so every worker agrees), in memory for a results store without a file; resolved
outages are dropped once they are older than the oldest staff notice the feeds still carry.
"""

import fcntl
import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from mpass_status.files import atomic_file

log = logging.getLogger(__name__)
_memory: dict[str | None, list[dict]] = {}
_memory_lock = threading.Lock()


def record_path(results) -> Path | None:
    """Returns where the outages of a results store are kept: beside its SQLite file, else None (in memory)."""
    path = getattr(results, "path", None)
    return Path(path).with_name(Path(path).name + ".incidents.json") if path else None


def fault_of(live_now) -> dict | None:
    """Returns the fault the checks see now and no staff notice covers, language apart, or None."""
    failing = [c for c in live_now.components.values() if c.source == "checks" and c.state in ("down", "degraded")]
    if not failing:
        return None
    began = min(c.since or c.evidence_time or live_now.time for c in failing)
    latest = max(c.evidence_time or began for c in failing)
    down = any(c.state == "down" for c in failing)
    impact = "critical" if live_now.production_down else ("major" if down else "minor")
    return {
        # Stable while it lasts: the time it began.
        "id": f"checks-{began.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        "began": began.isoformat(),
        "latest": latest.isoformat(),
        "impact": impact,
        "failing": [[c.component, c.code, c.params] for c in failing],
        "resolved": None,
    }


def _merge(kept: list[dict], fault: dict | None, live_now, keep_from: datetime | None) -> bool:
    """Brings kept up to what the checks see now; returns whether it changed."""
    before = json.dumps(kept, sort_keys=True)
    open_ones = [k for k in kept if k["resolved"] is None]
    if fault is not None:
        for other in open_ones:
            if other["id"] != fault["id"]:
                # A new outage began: the one before ended by then.
                other["resolved"] = fault["began"]
        same = next((k for k in kept if k["id"] == fault["id"]), None)
        if same is None:
            kept.append(fault)
        else:
            same.update({key: fault[key] for key in ("latest", "impact", "failing")}, resolved=None)
    else:
        ended = live_now.last_round or live_now.time
        for other in open_ones:
            # Resolved only when the checks find each part operational again: unknown is not an end.
            states = [live_now.components.get(component) for component, _, _ in other["failing"]]
            if all(s is not None and (s.checks or s).state == "operational" for s in states):
                other["resolved"] = ended.isoformat()
    if keep_from is not None:
        kept[:] = [k for k in kept if k["resolved"] is None or datetime.fromisoformat(k["resolved"]) >= keep_from]
    return json.dumps(kept, sort_keys=True) != before


def observe(path: Path | None, live_now, keep_from: datetime | None) -> list[dict]:
    """Records what the checks see now and returns every outage kept, newest first."""
    fault = fault_of(live_now)
    if live_now.checks_unavailable:
        fault = None  # nothing is known: neither a new fault nor an end
    try:
        if path is None:
            raise OSError("no results file to keep the outages beside")
        kept = _on_disk(path, fault, live_now, keep_from)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if path is not None:
            log.info("check-found outages kept in memory: %s", exc)
        with _memory_lock:
            kept = _memory.setdefault(str(path) if path else None, [])
            if not live_now.checks_unavailable:
                _merge(kept, fault, live_now, keep_from)
            kept = [dict(k) for k in kept]
    return sorted(kept, key=lambda k: k["began"], reverse=True)


def _on_disk(path: Path, fault: dict | None, live_now, keep_from: datetime | None) -> list[dict]:
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            kept = []
        if not isinstance(kept, list):
            raise ValueError("not a record of outages")
        if not live_now.checks_unavailable and _merge(kept, fault, live_now, keep_from):
            with atomic_file(path) as out:
                out.write(json.dumps(kept, sort_keys=True).encode())
        return kept
