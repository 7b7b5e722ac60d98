"""The reader's language: taken from the URL, else the `lang` cookie, else the browser.

The cookie is set only when a reader picks a language with the switch (`/language/<lang>`), never by a
page: pages, feeds and the API carry no Set-Cookie, so a shared cache (a CDN, nginx) may keep them.
"""

import os

from flask import Blueprint, abort, g, redirect, request, url_for
from flask_babel import Babel
from werkzeug.http import dump_cookie, parse_cookie

from mpass_status import runtime
from mpass_status.web.export_signal import for_export

LANG_COOKIE = "lang"
LANG_COOKIE_SECONDS = 365 * 24 * 3600


def preferred_language() -> str:
    """Returns the language of the URL, else the remembered choice, else the browser's best."""
    languages = runtime.config().languages
    if g.get("lang") in languages:
        return g.lang
    remembered = remembered_language(request.headers.get("Cookie", ""))
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or languages[0]


def settle_language() -> str:
    """Fixes the page's language where no route gave one (an error page, "/"), and returns it.

    An address under /sv/ that matches no page is still a Swedish reader's: its 404 is in Swedish.
    """
    if g.get("lang") is None:
        first = request.path.lstrip("/").split("/", 1)[0]
        g.lang = first if first in runtime.config().languages else preferred_language()
    return g.lang


def language_cookie(lang: str) -> str:
    """Returns the Set-Cookie value that remembers the reader's language, the site's only cookie."""
    return dump_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_SECONDS, path="/", samesite="Lax")


def remembered_language(cookie_header: str) -> str | None:
    """Returns the language the `lang` cookie remembers; a cookie that is not UTF-8 remembers nothing."""
    try:
        return parse_cookie(cookie_header).get(LANG_COOKIE)
    except UnicodeError:
        return None


def _pull_lang(endpoint, values):
    lang = values.pop("lang", None)
    if lang not in runtime.config().languages:
        abort(404)
    g.lang = lang
    # The same page in another language is this endpoint with these values and another lang.
    g.view_args = dict(values)


def _add_lang(endpoint, values):
    values.setdefault("lang", preferred_language())


switch = Blueprint("language", __name__)


@switch.route("/language/<lang>")
def choose(lang):
    """Remembers the language a reader picked and shows the page they were on in it (303)."""
    if lang not in runtime.config().languages:
        abort(404)
    target = request.args.get("next", "")
    # Only a path of this site in the chosen language: never another host ("//x", "/\\x").
    if not (target.startswith(f"/{lang}/") and target.isprintable() and "//" not in target and "\\" not in target):
        target = url_for("pages.front", lang=lang)
    response = redirect(target, 303)
    # Never kept by a cache (routes.py): the answer sets this reader's cookie.
    response.headers["Set-Cookie"] = language_cookie(lang)
    return response


def switch_url(lang: str, page_url: str) -> str:
    """Returns the language switch's link: through /language/ (which remembers the choice), or in a static
    export, where nothing can set a cookie, the page itself."""
    if for_export():
        return page_url
    return url_for("language.choose", lang=lang, next=page_url)


def language_blueprint(name: str, import_name: str) -> Blueprint:
    """Returns a blueprint under /<lang>/ whose URLs carry the page's language and fill it in for url_for."""
    bp = Blueprint(name, import_name, url_prefix="/<lang>")
    bp.url_value_preprocessor(_pull_lang)
    bp.url_defaults(_add_lang)
    return bp


def _alternates() -> dict:
    """Gives every template the page language and the same page in each language."""
    config = runtime.config()
    lang = preferred_language()
    alternates = {}
    for other in config.languages:
        if request.endpoint and g.get("view_args") is not None:
            alternates[other] = url_for(request.endpoint, **dict(g.view_args, lang=other))
        else:
            alternates[other] = url_for("pages.front", lang=other)
    switches = {other: switch_url(other, url) for other, url in alternates.items()}
    return {"lang": lang, "alternates": alternates, "switches": switches}


def init_app(app) -> None:
    """Sets up Flask-Babel with the catalogs in translations/ and the language of every template."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(app.root_path, "translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Helsinki")
    Babel(app, locale_selector=preferred_language)
    app.context_processor(_alternates)
    app.register_blueprint(switch)
