"""Pushes a drafted notice to a new `drafts/…` branch of the notices repository: one commit on top of the
published branch adding the file under the notices folder, made with git plumbing in a bare mirror of its own,
so neither the live folder nor the published branch is ever touched."""

import fcntl
from contextlib import contextmanager
from pathlib import Path

from mpass_status.notices.history import GitError, git

# The alert waits for the draft: a forge that hangs delays it by at most a few of these.
GIT_TIMEOUT = 15
# The published branch is fetched under this ref of the mirror; the draft's commit is made on top of it.
BASE_REF = "refs/drafts-base"
AUTHOR = ("MPASSid status site", "status-site@localhost")


@contextmanager
def _locked(mirror: Path):
    # One draft at a time per mirror, whichever process alerts.
    mirror.parent.mkdir(parents=True, exist_ok=True)
    with open(mirror.parent / f"{mirror.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _git(mirror: Path, *args: str, given: bytes | None = None) -> str:
    return git(mirror, *args, timeout=GIT_TIMEOUT, given=given)


def _exists(mirror: Path, remote: str, branch: str) -> bool:
    return bool(_git(mirror, "ls-remote", "--heads", remote, f"refs/heads/{branch}").strip())


def _mktree(mirror: Path, entries: dict[str, str]) -> str:
    return _git(mirror, "mktree", "-z", given="".join(f"{e}\0" for e in entries.values()).encode()).strip()


def _nested(mirror: Path, base: str, folder: list[str], name: str, blob: str) -> str:
    """Returns the id of the tree at folder (of base) with name added, and of every tree above it made anew."""
    tree = None
    for depth in range(len(folder), -1, -1):
        path = "/".join(folder[:depth])
        try:
            listing = _git(mirror, "ls-tree", "-z", f"{base}:{path}" if path else f"{base}^{{tree}}")
        except GitError:  # a folder not there yet
            listing = ""
        entries = {entry.split("\t", 1)[1]: entry for entry in filter(None, listing.split("\0"))}
        if tree is None:
            entries[name] = f"100644 blob {blob}\t{name}"
        else:
            entries[folder[depth]] = f"040000 tree {tree}\t{folder[depth]}"
        tree = _mktree(mirror, entries)
    return tree


def push_draft(remote: str, base: str, subpath: str, mirror: Path, name: str, text: str) -> bool:
    """Pushes a commit adding text as subpath/name to the branch drafts/<name without .md> of remote, made on top
    of its branch base; returns False when that branch is there already (the draft was pushed before). Raises
    GitError when the remote cannot be reached or refuses."""
    branch = draft_branch(name)
    with _locked(mirror):
        if not (mirror / "HEAD").exists():
            mirror.mkdir(parents=True, exist_ok=True)
            _git(mirror, "init", "--quiet", "--bare")
        if _exists(mirror, remote, branch):
            return False
        _git(mirror, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{base}:{BASE_REF}")
        parent = _git(mirror, "rev-parse", BASE_REF).strip()
        blob = _git(mirror, "hash-object", "-w", "--stdin", given=text.encode()).strip()
        tree = _nested(mirror, parent, [part for part in subpath.split("/") if part], name, blob)
        # The site's own identity, and no signing key a machine's git configuration may ask for.
        who = ["-c", f"user.name={AUTHOR[0]}", "-c", f"user.email={AUTHOR[1]}", "-c", "commit.gpgsign=false"]
        message = f"Draft of an incident notice: {name} (written by the status site; check it before merging)"
        commit = _git(mirror, *who, "commit-tree", tree, "-p", parent, "-m", message).strip()
        try:
            _git(mirror, "push", "--quiet", remote, f"{commit}:refs/heads/{branch}")
        except GitError:
            # Another process may have pushed the same draft a moment ago: that is the branch wanted.
            if _exists(mirror, remote, branch):
                return False
            raise
    return True


def draft_branch(name: str) -> str:
    """Returns the branch a draft of this file name goes to: drafts/<date>-<slug>."""
    return f"drafts/{name.removesuffix('.md')}"
