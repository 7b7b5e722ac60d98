"""The e-mail subscription's pages under /<lang>/subscribe/: sign-up, confirmation by a button (a mail scanner
that follows the link confirms nothing), management, RFC 8058 one-click unsubscription and the privacy
statement.

The sign-up form sits on the subscribe page, which shared caches and the static export keep, so it cannot carry
a token per reader: a sign-up is taken only from a page of this site, as the browser's Sec-Fetch-Site or Origin
tells. Every other form acts on a token of its own in its address, which no other site can know.
"""

import ipaddress
import re
import time
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mpass_status import runtime
from mpass_status.config.settings import SettingsError
from mpass_status.notify.choices import BadChoice, clean_address, from_form
from mpass_status.notify.dkim import signer
from mpass_status.notify.sender import KEY
from mpass_status.notify.store import Limited, SubscriptionStore
from mpass_status.notify.stores import open_subscriptions
from mpass_status.web.labels import component_label
from mpass_status.web.language import language_blueprint

bp = language_blueprint("notify", __name__)
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# A form bigger than this is not ours (the longest address and every box ticked fit in a few kilobytes).
MAX_FORM_BYTES = 16 * 1024


def _store() -> SubscriptionStore:
    store = current_app.extensions.get(KEY)
    if store is None:
        abort(404)
    return store


def _token(token: str) -> str:
    if not TOKEN.fullmatch(token):
        abort(404)
    return token


def _from_this_site() -> bool:
    """Tells whether the browser says the form was sent from a page of this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    hosts = {request.host.lower(), urlsplit(runtime.config().base_url).netloc.lower()}
    return urlsplit(origin).netloc.lower() in hosts


def _client() -> str:
    # Behind the local proxy every request comes from loopback; the proxy names the client last.
    address = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For")
    try:
        local = ipaddress.ip_address(address).is_loopback
    except ValueError:
        local = False
    return forwarded.rpartition(",")[2].strip()[:64] if local and forwarded else address


def _page(title: str, *paragraphs: str, status: int = 200, link: tuple[str, str] | None = None):
    return render_template("notify/message.html", title=title, paragraphs=paragraphs, link=link), status


@bp.route("/subscribe/email", methods=["POST"])
def sign_up():
    """Records a sign-up and queues its confirmation e-mail; the answer is the same for every address."""
    store, config = _store(), runtime.config()
    if (request.content_length or 0) > MAX_FORM_BYTES:
        abort(413)
    if not _from_this_site():
        abort(403)
    address = clean_address(request.form.get("address", ""))
    try:
        choices = from_form(request.form, config)
    except BadChoice:
        abort(400)
    if address is None:
        error = _("Write one e-mail address, such as firstname.lastname@school.fi.")
        return render_template("notify/signup.html", error=error, form=request.form), 400
    try:
        store.sign_up(address, g.lang, choices, _client(), time.time())
    except Limited:
        return _page(
            _("Too many sign-ups"),
            _("Too many sign-ups have come from here or for this address. Try again later."),
            status=429,
        )
    return redirect(url_for("notify.check_inbox"), 303)


@bp.route("/subscribe/email/sent/")
def check_inbox():
    """Asks the reader to confirm from their inbox."""
    _store()
    return _page(
        _("Check your e-mail"),
        _("If the address can receive e-mail, a message asking you to confirm is on its way to it."),
        _("The link in the message works for 48 hours."),
        _("Nothing is sent to the address until you confirm."),
    )


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """Shows a button that confirms a sign-up (GET changes nothing); the button's POST confirms it."""
    store, token, now = _store(), _token(token), time.time()
    if request.method == "GET":
        pending = store.awaiting(token, now)
        if pending is None:
            return _expired()
        return render_template("notify/confirm.html", address=pending.address, token=token)
    confirmed = store.confirm(token, now)
    if confirmed is None:
        return _expired()
    return _page(
        _("Subscription confirmed"),
        _("You will receive MPASSid's notices at %(address)s.", address=confirmed.address),
        _("Every e-mail has a link for changing what you receive and for unsubscribing."),
        link=(url_for("notify.manage", token=confirmed.manage_token), _("Change what you receive")),
    )


def _expired():
    return _page(
        _("The link no longer works"),
        _("The subscription has been confirmed already, or the link is more than 48 hours old."),
        _("To subscribe, sign up again on the subscribe page."),
        status=404,
        link=(url_for("feeds.subscribe"), _("Subscribe to notices")),
    )


@bp.route("/subscribe/manage/<token>", methods=["GET", "POST"])
def manage(token):
    """Shows a subscriber's choices; its POST replaces them."""
    store, token = _store(), _token(token)
    found = store.by_manage_token(token)
    if found is None:
        return _page(
            _("No such subscription"),
            _("The subscription has ended, or the link is not whole."),
            _("To subscribe, sign up again on the subscribe page."),
            status=404,
            link=(url_for("feeds.subscribe"), _("Subscribe to notices")),
        )
    saved = False
    if request.method == "POST":
        try:
            choices = from_form(request.form, runtime.config())
        except BadChoice:
            abort(400)
        store.change(token, choices)
        found, saved = store.by_manage_token(token), True
    return render_template("notify/manage.html", subscriber=found, token=token, saved=saved)


@bp.route("/subscribe/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """Shows a button that ends a subscription; its POST (and RFC 8058's one-click POST) ends it at once and
    answers the same when it has ended already."""
    store, token = _store(), _token(token)
    if request.method == "GET":
        return render_template("notify/unsubscribe.html", token=token)
    store.unsubscribe(token)
    return _page(
        _("Subscription ended"),
        _("You will receive no more e-mails from MPASSid's status site, and your address has been deleted."),
        link=(url_for("feeds.subscribe"), _("Subscribe to notices")),
    )


@bp.route("/subscribe/privacy/")
def privacy():
    """The privacy statement of the register of subscribers."""
    return render_template("notify/privacy.html")


def _groups_offered() -> list[tuple[str, str]]:
    """Lists the groups a subscriber may choose, named in the page's language."""
    return [(group.id, group.name[g.lang]) for group in runtime.config().groups]


def _components() -> list[tuple[str, str]]:
    """Lists the components a subscriber may choose, named in the page's language."""
    config = runtime.config()
    return [(c.id, component_label(config, c.id, g.lang)) for c in config.components]


def init_app(app) -> None:
    """Opens the subscription store when e-mail is offered (STATUS_SMTP_URL and STATUS_MAIL_FROM set), tells the
    templates whether it is, and registers the pages."""
    settings = runtime.settings(app)
    database = settings.database or runtime.config(app).probe.database
    if settings.smtp_url and settings.mail_from:
        try:
            signer(settings)  # a DKIM key that cannot be used stops the site before it serves, as any setting does
        except SettingsError as exc:
            raise SystemExit(str(exc)) from None
        app.extensions[KEY] = open_subscriptions(str(database))
    app.jinja_env.globals.update(
        email_subscriptions=KEY in app.extensions, groups_offered=_groups_offered, components_offered=_components
    )
    # The form's reminder and automatic notice say their times in whole hours and minutes.
    app.jinja_env.globals.update(
        reminder_hours=round(settings.maintenance_reminder_seconds / 3600),
        auto_notice_minutes=round(settings.auto_notice_after_seconds / 60),
    )
    app.register_blueprint(bp)
