"""Static files under names that carry their content's hash (`site.3f2c1ab9de.css`), kept by browsers and
caches for a year without asking again: a changed file has a new name, so no page view revalidates it."""

import hashlib
from pathlib import Path

from flask import current_app, send_from_directory
from werkzeug.exceptions import NotFound

IMMUTABLE = "public, max-age=31536000, immutable"
DIGITS = 10


def fingerprints(folder: Path) -> dict[str, str]:
    """Returns {name: fingerprinted name} for every file in folder (and below it)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGITS]
            stem, dot, suffix = name.rpartition(".")
            found[name] = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
    return found


def _fingerprint(endpoint, values):
    if endpoint == "static" and "filename" in values:
        values["filename"] = current_app.extensions["assets"].get(values["filename"], values["filename"])


def _serve(filename):
    app = current_app
    originals = app.extensions["assets_by_fingerprint"]
    if filename in originals:
        response = send_from_directory(app.static_folder, originals[filename])
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    # The plain name still answers (old links, tools), revalidated on each use.
    if filename not in app.extensions["assets"]:
        raise NotFound()
    response = send_from_directory(app.static_folder, filename)
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app) -> None:
    """Fingerprints the static folder once, builds every static URL with the fingerprint, and serves both."""
    names = fingerprints(Path(app.static_folder))
    app.extensions["assets"] = names
    app.extensions["assets_by_fingerprint"] = {fingerprinted: name for name, fingerprinted in names.items()}
    app.url_defaults(_fingerprint)
    app.view_functions["static"] = _serve
