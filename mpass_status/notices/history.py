"""When and how often each notice file changed, from the git commits that changed it.

Feeds, calendars and their validators follow this history, never a file's mtime or the time of a render:
two fresh clones, every worker and every restart agree. Outside git a notice has no history, and only
the times it states itself (its updates, its date) tell when it last changed.
"""

import logging
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)
GIT_TIMEOUT = 60
_MARK = "\x01"


@dataclass(frozen=True)
class FileHistory:
    """The times (committer time, newest first) of the commits that changed a file."""

    commits: tuple[datetime, ...]

    def corrected(self, since: datetime | None = None) -> datetime | None:
        """Returns the newest commit after the one that added the file (and not before since), or None."""
        later = [moment for moment in self.commits[:-1] if since is None or moment >= since]
        return later[0] if later else None


def _run(args: list[str], cwd: Path) -> str | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("git history unavailable: %s", exc)
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def parse_log(text: str) -> dict[str, FileHistory]:
    """Reads `git log --format=<MARK>%ct --name-only` output (newest first) into each file's history."""
    commits: dict[str, list[datetime]] = {}
    stamp = 0
    for line in text.splitlines():
        if line.startswith(_MARK):
            stamp = int(line[1:])
        elif line:
            commits.setdefault(line.rsplit("/", 1)[-1], []).append(datetime.fromtimestamp(stamp, UTC))
    return {name: FileHistory(tuple(moments)) for name, moments in commits.items()}


def log_arguments(revision: str = "HEAD") -> list[str]:
    """Returns the arguments of the one `git log` that gives every file's history."""
    return ["log", f"--format={_MARK}%ct", "--name-only", "--no-renames", revision]


def git_index(folder: Path) -> Path | None:
    """Returns the index file of the checkout holding folder (it changes with every commit, pull and
    checkout), or None outside git."""
    text = _run(["rev-parse", "--path-format=absolute", "--git-path", "index"], Path(folder))
    return Path(text.strip()) if text else None


def folder_history(folder: Path) -> dict[str, FileHistory]:
    """Returns the history of each file directly in folder when folder is in a git checkout, else {}."""
    folder = Path(folder)
    if _run(["rev-parse", "--is-inside-work-tree"], folder) is None:
        return {}
    text = _run([*log_arguments(), "--relative", "--", "."], folder)
    if text is None:
        return {}
    # Only the folder's own files: a subfolder's file of the same name is not a notice.
    own = "\n".join(line for line in text.splitlines() if line.startswith(_MARK) or "/" not in line)
    return parse_log(own)
