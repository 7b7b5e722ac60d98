"""When and how often each notice file changed, from the git commits that changed it.

Feeds, calendars and their validators follow this history, never a file's mtime or the time of a render:
two fresh clones, every worker and every restart agree. Outside git a notice has no history here; the record
of news (news.py) then keeps the first time the site saw each version instead (sightings.py).
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


class GitError(Exception):
    """git could not be run (refused False: no git, a timeout) or refused: its last line of error output."""

    def __init__(self, message: str, refused: bool):
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True)
class FileHistory:
    """The times (committer time, newest first) of the commits that changed a file."""

    commits: tuple[datetime, ...]

    def corrected(self, since: datetime | None = None) -> datetime | None:
        """Returns the newest commit after the one that added the file (and not before since), or None."""
        later = [moment for moment in self.commits[:-1] if since is None or moment >= since]
        return later[0] if later else None


def git(cwd: Path, *args: str, binary: bool = False, timeout: float = GIT_TIMEOUT, given: bytes | None = None):
    """Runs git in cwd (given on its standard input), never asking for a password; returns its output, or
    raises GitError."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=given, capture_output=True, timeout=timeout, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]} failed: {exc}", refused=False) from None
    if done.returncode:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {lines[-1] if lines else done.returncode}", refused=True)
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


def _asked(cwd: Path, *args: str) -> str | None:
    # Outside a checkout git refuses: that is no history, not a failure worth a warning.
    try:
        return git(cwd, *args)
    except GitError as exc:
        if not exc.refused:
            log.warning("git history unavailable: %s", exc)
        return None


def parse_log(text: str, folder: str = "") -> dict[str, FileHistory]:
    """Reads `git log --format=<MARK>%ct --name-only` output (newest first) into the history of each file
    directly in folder (a path relative to the repository; "" for its top)."""
    prefix = f"{folder.strip('/')}/" if folder.strip("/") else ""
    commits: dict[str, list[datetime]] = {}
    stamp = 0
    for line in text.splitlines():
        if line.startswith(_MARK):
            stamp = int(line[1:])
        # A subfolder's file of the same name is not a notice.
        elif line.startswith(prefix) and "/" not in line.removeprefix(prefix):
            commits.setdefault(line.removeprefix(prefix), []).append(datetime.fromtimestamp(stamp, UTC))
    return {name: FileHistory(tuple(moments)) for name, moments in commits.items()}


def log_arguments(revision: str = "HEAD") -> list[str]:
    """Returns the arguments of the one `git log` that gives every file's history."""
    return ["log", f"--format={_MARK}%ct", "--name-only", "--no-renames", revision]


def git_index(folder: Path) -> Path | None:
    """Returns the index file of the checkout holding folder (it changes with every commit, pull and
    checkout), or None outside git."""
    text = _asked(Path(folder), "rev-parse", "--path-format=absolute", "--git-path", "index")
    return Path(text.strip()) if text else None


def folder_history(folder: Path) -> dict[str, FileHistory]:
    """Returns the history of each file directly in folder when folder is in a git checkout, else {}."""
    folder = Path(folder)
    if _asked(folder, "rev-parse", "--is-inside-work-tree") is None:
        return {}
    text = _asked(folder, *log_arguments(), "--relative", "--", ".")
    return parse_log(text) if text is not None else {}


@dataclass(frozen=True)
class FileVersion:
    """One committed version of a file: the commit's time and the file's bytes then."""

    at: datetime
    data: bytes


def file_versions(folder: Path) -> dict[str, list[FileVersion]]:
    """Returns every committed version of each file directly in folder, oldest first, when folder is in a git
    checkout, else {} (the versions that deleted a file are left out)."""
    folder = Path(folder)
    prefix = _asked(folder, "rev-parse", "--show-prefix")
    text = _asked(folder, "log", "--format=" + _MARK + "%H %ct", "--name-only", "--no-renames", "--relative", "--", ".")
    if prefix is None or text is None:
        return {}
    wanted: list[tuple[str, datetime, str]] = []
    commit, stamp = "", 0
    for line in text.splitlines():
        if line.startswith(_MARK):
            commit, _, when = line[1:].partition(" ")
            stamp = int(when)
        elif line and "/" not in line:
            wanted.append((line, datetime.fromtimestamp(stamp, UTC), commit))
    if not wanted:
        return {}
    # One cat-file for every version: a process a version would take minutes on a long history.
    asked = "".join(f"{commit}:{prefix.strip()}{name}\n" for name, _, commit in wanted).encode()
    try:
        out = git(folder, "cat-file", "--batch", binary=True, given=asked)
    except GitError as exc:
        log.warning("git history unavailable: %s", exc)
        return {}
    found: dict[str, list[FileVersion]] = {}
    position = 0
    for name, at, _ in wanted:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        position = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[-1])
        found.setdefault(name, []).append(FileVersion(at, out[position : position + size]))
        position += size + 1
    for versions in found.values():
        versions.reverse()
    return found
