"""The reader's language: taken from the URL, else the `lang` cookie, else the browser; remembered in the cookie."""

from flask import Blueprint, Response, abort, g, request, url_for
from flask_babel import Babel
from werkzeug.http import dump_cookie, parse_cookie

from mpass_status import runtime

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


def cookie_for(cookie_header: str, lang: str | None) -> str | None:
    """Returns the Set-Cookie value a page in lang owes a reader whose Cookie header is cookie_header, if any."""
    if lang and remembered_language(cookie_header) != lang:
        return language_cookie(lang)
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


def _remember_language(response: Response) -> Response:
    # Pages remember the reader's choice for "/". Feeds and the calendar are shared by many readers and
    # cached, so they set no cookie.
    if response.status_code == 200 and response.mimetype == "text/html":
        cookie = cookie_for(request.headers.get("Cookie", ""), g.get("lang"))
        if cookie:
            response.headers.add("Set-Cookie", cookie)
    return response


def language_blueprint(name: str, import_name: str) -> Blueprint:
    """Returns a blueprint under /<lang>/ whose URLs carry the page's language and fill it in for url_for."""
    bp = Blueprint(name, import_name, url_prefix="/<lang>")
    bp.url_value_preprocessor(_pull_lang)
    bp.url_defaults(_add_lang)
    bp.after_request(_remember_language)
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
    return {"lang": lang, "alternates": alternates}


def init_app(app) -> None:
    """Sets up Flask-Babel with the catalogs in translations/ and the language of every template."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.config["PROJECT_ROOT"] / "translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Helsinki")
    Babel(app, locale_selector=preferred_language)
    app.context_processor(_alternates)
