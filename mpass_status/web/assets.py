"""Static files under names that carry their content's hash (`site.3f2c1ab9de.css`), kept by browsers and
caches for a year without asking again: a changed file has a new name, so no page view revalidates it."""

import hashlib
from pathlib import Path

from flask import current_app, send_from_directory
from werkzeug.exceptions import NotFound

from mpass_status import runtime

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
        values["filename"] = runtime.state().assets.get(values["filename"], values["filename"])


def serve(filename):
    """Serves a static file: by its fingerprinted name for a year, by its plain name revalidated each time."""
    state = runtime.state()
    if filename in state.assets_by_fingerprint:
        response = send_from_directory(current_app.static_folder, state.assets_by_fingerprint[filename])
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    # The plain name still answers (old links, tools), revalidated on each use.
    if filename not in state.assets:
        raise NotFound()
    response = send_from_directory(current_app.static_folder, filename)
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app) -> None:
    """Fingerprints the static folder once, builds every static URL with the fingerprint, and serves both."""
    names, state = fingerprints(Path(app.static_folder)), runtime.state(app)
    state.assets.update(names)
    state.assets_by_fingerprint.update({fingerprinted: name for name, fingerprinted in names.items()})
    app.url_defaults(_fingerprint)
    app.view_functions["static"] = serve
