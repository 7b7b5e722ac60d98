"""Publishes the notices of a git branch: fetches it, writes its notice files into the live folder, and keeps
serving the last good version of any notice that an edit broke.

The live folder holds plain files (never a checkout), written one by one atomically, and `.sync.json`: the
commit that is live and what was held back. Web workers read both like any edit of the folder.
"""

import fcntl
import json
import logging
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from mpass_status.config import SiteConfig
from mpass_status.config.settings import Settings
from mpass_status.files import Folder
from mpass_status.notices.history import GitError, git, log_arguments, parse_log
from mpass_status.notices.messages import NoticeProblem
from mpass_status.notices.parser import FILENAME, parse_notice
from mpass_status.notices.store import STATE, is_notice_candidate, read_state
from mpass_status.problems import Problem

log = logging.getLogger(__name__)
GIT_TIMEOUT = 120
# The branch fetched is kept under this ref of the mirror; nothing else is ever checked out.
LIVE_REF = "refs/heads/live"
# A notice is a regular file (executable or not); a link (120000) or a submodule (160000) never is.
FILE_MODES = ("100644", "100755")


class SyncError(Exception):
    """The branch could not be fetched or read; the live notices are left as they were."""


@dataclass
class Held:
    """A notice whose newest version is broken: its problems, and the commit whose version is served (or None)."""

    name: str
    problems: list[str]
    serving: str | None
    # The same problems as found, to be told in the staff's language (`flask notices sync --lang`); `problems`
    # is their English text, as the state file and the log keep it.
    found: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"file": self.name, "problems": self.problems, "serving_commit": self.serving}


@dataclass
class SyncResult:
    """What one sync did."""

    commit: str
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)


def shown_remote(remote: str) -> str:
    """Returns the remote as it may be shown: an address without any user or token in it."""
    parts = urlsplit(remote)
    if parts.scheme and parts.hostname:
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return remote


def _git(mirror: Path, *args: str, binary: bool = False):
    try:
        return git(mirror, *args, binary=binary, timeout=GIT_TIMEOUT)
    except GitError as exc:
        raise SyncError(str(exc)) from None


@contextmanager
def _locked(mirror: Path):
    # One sync at a time per mirror, whichever process (timer, webhook in any worker) starts it.
    mirror.parent.mkdir(parents=True, exist_ok=True)
    with open(mirror.parent / f"{mirror.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class Sync:
    """Fetches remote's branch into a bare mirror and publishes the notices under subpath into folder."""

    def __init__(self, remote: str, branch: str, subpath: str, mirror: Path, folder: Path, config: SiteConfig):
        self.remote, self.branch, self.subpath = remote, branch, subpath.strip("/")
        self.mirror, self.folder, self.config = Path(mirror), Path(folder), config

    def run(self) -> SyncResult:
        """Fetches the branch and switches the live notices to it; raises SyncError if it cannot be read."""
        with _locked(self.mirror):
            if not (self.mirror / "HEAD").exists():
                self.mirror.mkdir(parents=True, exist_ok=True)
                _git(self.mirror, "init", "--quiet", "--bare")
            _git(self.mirror, "fetch", "--quiet", "--no-tags", self.remote, f"+refs/heads/{self.branch}:{LIVE_REF}")
            commit = _git(self.mirror, "rev-parse", LIVE_REF).strip()
            return self._publish(commit)

    def _entries(self, commit: str) -> tuple[dict[str, str], dict[str, Problem]]:
        """Returns the notice files directly in the notices folder (name -> blob id) and the tree entries refused
        (name -> problem).

        git itself never writes a tree entry named `../x.md`, `/abs/x.md` or `sub/x.md`, but a tree can be made
        by hand and a self-hosted remote accepts it: every name is checked before anything is written, so only a
        single file name of the notice pattern ever reaches the folder.
        """
        listing = _git(self.mirror, "ls-tree", "-z", f"{commit}:{self.subpath}" if self.subpath else commit)
        blobs, refused = {}, {}
        for entry in filter(None, listing.split("\0")):
            meta, name = entry.split("\t", 1)
            mode, kind, blob = meta.split()
            if not is_notice_candidate(Path(name.rstrip("/") or "_")):
                continue  # not meant as a notice (README.md, _template.md, images): never written either
            shown = f"{self.subpath or '.'}/{name if name.isprintable() else ascii(name)}"
            if not FILENAME.fullmatch(name):
                refused[name] = NoticeProblem.of(shown, 1, "tree_entry_name", name=shown)
            elif kind != "blob" or mode not in FILE_MODES:
                refused[name] = NoticeProblem.of(shown, 1, "tree_entry_link", mode=mode)
            else:
                blobs[name] = blob
        return blobs, refused

    def _problems(self, name: str, data: bytes, staging: Path) -> list[Problem]:
        path = staging / name
        path.write_bytes(data)
        _, problems = parse_notice(path, self.config, f"{self.subpath or '.'}/{name}")
        path.unlink()
        return [p for p in problems if not p.warning]

    def _history(self, revision: str, name: str | None = None) -> dict:
        # One log for every notice of a revision (or one file's, up to the version served of it).
        where = f"{self.subpath}/{name}" if name else self.subpath or "."
        text = _git(self.mirror, *log_arguments(revision), "--", where)
        found = parse_log(text, self.subpath)
        return {file: {"commits": [m.isoformat() for m in h.commits]} for file, h in found.items()}

    def _last_good(self, commit: str, name: str, staging: Path) -> tuple[str, bytes] | None:
        # Newest first; the first commit listed is the broken version itself.
        path = f"{self.subpath}/{name}" if self.subpath else name
        history = _git(self.mirror, "log", "--format=%H", commit, "--", path).split()
        for older in history[1:]:
            try:
                data = _git(self.mirror, "show", f"{older}:{path}", binary=True)
            except SyncError:  # removed in that commit
                continue
            if not self._problems(name, data, staging):
                return older, data
        return None

    def _publish(self, commit: str) -> SyncResult:
        try:
            blobs, refused = self._entries(commit)
        except SyncError:
            raise SyncError(f"{self.branch} has no folder {self.subpath!r} at {commit[:12]}") from None
        previous = (read_state(self.folder) or {}).get("files", {})
        history = self._history(commit)
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            live_folder = Folder(self.folder)
        except OSError as exc:
            raise SyncError(f"cannot open the notices folder {self.folder} without following a link: {exc}") from None
        with live_folder, tempfile.TemporaryDirectory(prefix="notices-sync-") as staging:
            result, files = self._write(commit, blobs, refused, previous, history, live_folder, Path(staging))
            state = {
                "commit": commit,
                "branch": self.branch,
                "remote": shown_remote(self.remote),
                "synced_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": files,
                "held_back": [held.as_dict() for held in result.held],
            }
            live_folder.write(STATE, json.dumps(state, indent=1, sort_keys=True).encode())
        return result

    def _write(self, commit, blobs, refused, previous, history, live: Folder, staging: Path):
        # Every file is created, replaced and removed through the folder's descriptor (files.Folder), so
        # neither a name nor a link planted in the folder can reach outside it.
        result, files = SyncResult(commit), {}
        present = set(live.names())
        for name, blob in sorted(blobs.items()):
            before = previous.get(name, {})
            served_bytes = live.read(name)
            if before.get("blob") == blob and served_bytes is not None and "commits" in before:
                # Unchanged since the last sync: keep what is served, held back or not.
                files[name] = before
                if before.get("problems"):
                    # Parsed again only to be told in the staff's language: the state file keeps English text.
                    data = _git(self.mirror, "cat-file", "blob", blob, binary=True)
                    found = self._problems(name, data, staging)
                    result.held.append(Held(name, before["problems"], before.get("serving"), found))
                continue
            data = _git(self.mirror, "cat-file", "blob", blob, binary=True)
            found = self._problems(name, data, staging)
            problems = [str(p) for p in found]
            serving = commit
            if problems:
                good = self._last_good(commit, name, staging)
                serving, data = good if good else (None, None)
                result.held.append(Held(name, problems, serving, found))
                log.error("notice held back: %s: %s", name, "; ".join(problems))
            if serving == commit:
                served = history.get(name, {})
            else:  # the history of the version served, if any
                served = self._history(serving, name).get(name, {}) if serving else {}
            files[name] = {"blob": blob, "serving": serving, "problems": problems, **served}
            if data is None:
                if name in present:  # Never published in a good version: it stays off the site.
                    live.remove(name)
                    result.removed.append(name)
            elif served_bytes != data:
                live.write(name, data)
                result.written.append(name)
        for name, problem in sorted(refused.items()):
            result.held.append(Held(name, [str(problem)], None, [problem]))
            log.error("tree entry refused: %s", problem)
        for name in sorted(present):
            if is_notice_candidate(Path(name)) and name not in blobs:
                live.remove(name)
                result.removed.append(name)
        return result, files


def from_settings(settings: Settings, config: SiteConfig, instance: Path) -> Sync:
    """Builds the Sync of a site's settings (its mirror in instance by default); raises SyncError without a
    remote."""
    if not settings.notices_remote:
        raise SyncError("no notices remote is configured: set STATUS_NOTICES_REMOTE (a git URL or path)")
    return Sync(
        settings.notices_remote,
        settings.notices_branch,
        settings.notices_remote_path,
        settings.notices_mirror or Path(instance) / "notices.git",
        settings.notices_dir,
        config,
    )
