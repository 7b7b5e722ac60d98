"""Parsed notices kept between restarts, so a worker starting on a large archive parses only what changed.

One file beside the notices folder (`.<folder>.parsed`, e.g. `.notices.parsed`), keyed by file name and
content hash; it is thrown away whole when the parser's code or the site configuration changes, and each day. It is a
cache and nothing more: unreadable, foreign or stale, it is ignored and written anew, and a folder whose
parent cannot be written simply goes without one.
"""

import hashlib
import logging
import pickle
from datetime import datetime
from pathlib import Path

from mpass_status.files import atomic_file

log = logging.getLogger(__name__)
# The code a parse depends on: a change to any of these files makes every cached parse stale.
PARSER_MODULES = (
    "parser.py",
    "reader.py",
    "fields.py",
    "markdown.py",
    "limits.py",
    "model.py",
    "messages.py",
    "moments.py",
)


def cache_path(folder: Path) -> Path:
    """Returns where the parsed notices of folder are kept."""
    return folder.parent / f".{folder.name}.parsed"


def parser_version(config) -> str:
    """Returns a digest of the parser's code and the configuration it parses against."""
    digest = hashlib.sha256(repr(config).encode())
    # A file named by a day after today is an error until that day comes: a parse is good for one day.
    digest.update(datetime.now(config.timezone).date().isoformat().encode())
    here = Path(__file__).parent
    for name in PARSER_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def content_key(name: str, data: bytes) -> tuple[str, str]:
    """Returns the key of a file's parse: its name (the parse names it) and a hash of its bytes."""
    return name, hashlib.sha256(data).hexdigest()


def load(path: Path, version: str) -> dict:
    """Returns {content_key: (notice, problems)} kept at path for this parser version, else {}."""
    try:
        with path.open("rb") as handle:
            # Written only by this site, beside its own notices folder; see the module docstring.
            kept = pickle.load(handle)  # noqa: S301
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001 - a damaged cache is as good as none
        log.warning("ignoring the parsed-notices cache %s: %s", path, exc)
        return {}
    if not isinstance(kept, dict) or kept.get("version") != version:
        return {}
    entries = kept.get("entries")
    return entries if isinstance(entries, dict) else {}


def save(path: Path, version: str, entries: dict) -> None:
    """Writes entries to path atomically; a folder that cannot be written goes without a cache."""
    try:
        # Streamed into the file: pickling 10,000 notices into bytes first would double the memory it takes.
        with atomic_file(path) as out:
            pickle.dump({"version": version, "entries": entries}, out, protocol=pickle.HIGHEST_PROTOCOL)
    except (OSError, pickle.PicklingError) as exc:
        log.info("no parsed-notices cache at %s: %s", path, exc)
