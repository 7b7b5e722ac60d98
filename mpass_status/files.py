"""Files written so that a reader (the site, nginx, an object-store sync, the next start) never opens half of
one: each is written under a temporary name in its own folder and renamed over the old one."""

import os
import tempfile
from contextlib import contextmanager
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
