"""Files written so that a reader (the site, nginx, an object-store sync, the next start) never opens half of
one: each is written under a temporary name in its own folder and renamed over the old one."""

import errno
import os
import secrets
import stat
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path


@contextmanager
def atomic_file(path: Path):
    """Yields a binary file that replaces path when the block ends without an error, readable by all.

    The temporary name starts with a dot, so nothing that lists a folder's notices or pages takes it for one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            # mkstemp makes the file private; a web server reading the folder may be another user.
            os.fchmod(out.fileno(), 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Writes data to path through atomic_file."""
    with atomic_file(path) as out:
        out.write(data)


def read_regular(path: Path) -> bytes:
    """Returns the bytes of path, refusing (OSError) a symbolic link or anything but a regular file.

    O_NOFOLLOW makes the refusal part of the open itself, so a file swapped for a link after it was listed is
    refused too.
    """
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return stream.read()


class Folder:
    """A folder opened once, whose files are read, written and removed through its descriptor only.

    Every name must be one path segment, and neither the folder (its last component) nor any file in it is
    followed through a symbolic link: whatever a name or a link says, nothing outside the folder is touched.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)

    @staticmethod
    def _checked(name: str) -> str:
        if not name or name in (".", "..") or "/" in name or "\0" in name:
            raise OSError(errno.EINVAL, "not a name in this folder", name)
        return name

    def names(self) -> list[str]:
        return os.listdir(self.fd)

    def is_link(self, name: str) -> bool:
        return stat.S_ISLNK(os.stat(self._checked(name), dir_fd=self.fd, follow_symlinks=False).st_mode)

    def read(self, name: str) -> bytes | None:
        """Returns the bytes of the regular file name, or None when there is none (or a link stands there)."""
        try:
            handle = os.open(self._checked(name), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return None
            raise
        with os.fdopen(handle, "rb") as stream:
            return stream.read() if stat.S_ISREG(os.fstat(handle).st_mode) else None

    def write(self, name: str, data: bytes) -> None:
        """Replaces name with data atomically: a new dot-named file renamed over it (a link there is replaced,
        never followed)."""
        name = self._checked(name)
        temporary = f".{name}.{secrets.token_hex(6)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        handle = os.open(temporary, flags, 0o644, dir_fd=self.fd)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                os.fchmod(out.fileno(), 0o644)  # readable by a web server running as another user
            os.rename(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=self.fd)
            raise

    def remove(self, name: str) -> None:
        """Removes the entry name (a link itself, never its target)."""
        os.unlink(self._checked(name), dir_fd=self.fd)


def sqlite_gone(path: Path) -> bool:
    """Whether the SQLite file at path was deleted or emptied under a running site (by hand, by a clean-up job).

    A deleted file's write-ahead log and shared memory belong to the old file: they are removed, so that the file
    made again is not handed the old one's pages.
    """
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return True
