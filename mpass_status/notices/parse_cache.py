"""Parsed notices kept between restarts, so a worker starting on a large archive parses only what changed.

One file beside the notices folder (`.<folder>.parsed`, e.g. `.notices.parsed`), one record a notice keyed by
file name and content hash, written and read a record at a time so that the parses are never held twice; it is
thrown away whole when the parser's code or the site configuration changes, and each day. It is a cache and
nothing more: unreadable, foreign or stale, it is ignored and written anew, and a folder whose parent cannot be
written simply goes without one.
"""

import hashlib
import logging
import pickle
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from mpass_status.files import atomic_file, read_regular
from mpass_status.notices.parser import parse_notice

log = logging.getLogger(__name__)
# The layout of the file: a header, then one (content key, pickled parse) record after another.
FORMAT = 2
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


def parse_keyed(path: Path, config, shown: str) -> tuple[tuple[str, str] | None, bytes]:
    """Parses the file at path (in a worker); returns its content key (None: unreadable) and the parse pickled.

    The pickle is what the worker sends anyway; the loading process keeps it in the cache as it is.
    """
    try:
        key = content_key(shown, read_regular(path))
    except OSError:
        key = None  # parse_notice reports what cannot be read
    return key, pickle.dumps(parse_notice(path, config, shown), protocol=pickle.HIGHEST_PROTOCOL)


def decode(blob: bytes):
    """Returns the (notice, problems) pickled in blob, or None when it cannot be read."""
    try:
        # Written only by this site, beside its own notices folder; see the module docstring.
        return pickle.loads(blob)  # noqa: S301
    except Exception as exc:  # noqa: BLE001 - a damaged entry is as good as none
        log.warning("ignoring a damaged parsed notice: %s", exc)
        return None


def records(path: Path, version: str) -> Iterator[tuple[tuple[str, str], bytes]]:
    """Yields each (content key, pickled parse) kept at path for this parser version, one at a time."""
    try:
        with path.open("rb") as handle:
            header = pickle.load(handle)  # noqa: S301 - see the module docstring
            if not isinstance(header, dict) or header.get("version") != version or header.get("format") != FORMAT:
                return
            while True:
                try:
                    key, blob = pickle.load(handle)  # noqa: S301
                except EOFError:
                    return
                yield key, blob
    except FileNotFoundError:
        return
    except Exception as exc:  # noqa: BLE001 - a damaged cache is as good as none
        log.warning("ignoring the parsed-notices cache %s: %s", path, exc)


def load(path: Path, version: str) -> dict:
    """Returns {content_key: (notice, problems)} kept at path for this parser version, else {}."""
    found = ((key, decode(blob)) for key, blob in records(path, version))
    return {key: parse for key, parse in found if parse is not None}


def write(path: Path, version: str, entries: Iterable[tuple[tuple[str, str], bytes]]) -> None:
    """Writes (content key, pickled parse) entries to path atomically as they come, holding one at a time.

    entries is used up whatever happens: a folder that cannot be written goes without a cache, and whatever
    producing the entries does (parsing) goes on all the same.
    """
    entries = iter(entries)
    try:
        with atomic_file(path) as out:
            pickle.dump({"version": version, "format": FORMAT}, out, protocol=pickle.HIGHEST_PROTOCOL)
            for entry in entries:
                pickle.dump(entry, out, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:
        log.info("no parsed-notices cache at %s: %s", path, exc)
    for _ in entries:
        pass


def save(path: Path, version: str, entries: dict) -> None:
    """Writes {content_key: (notice, problems)} to path (see write)."""
    write(path, version, ((key, pickle.dumps(parse, pickle.HIGHEST_PROTOCOL)) for key, parse in entries.items()))
