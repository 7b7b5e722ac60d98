"""The webhook subscription's pages under /<lang>/subscribe/webhook/: the sign-up form (a URL and its owner's
e-mail address), and each hook's own page, named by a token only its subscriber got, which says whether the
challenge was answered, shows the signing secret once (by a button: a link a scanner follows reveals nothing) and
removes the hook.

Webhooks are offered where e-mail is (STATUS_SMTP_URL and STATUS_MAIL_FROM): a hook's owner is told by e-mail
when the hook is disabled.
"""

import time

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mpass_status import runtime
from mpass_status.notify.choices import clean_address
from mpass_status.notify.routes import MAX_FORM_BYTES, _client, _from_this_site, _page, _token
from mpass_status.notify.sender import KEY
from mpass_status.notify.store import Limited
from mpass_status.notify.webhook_address import MAX_URL, Refused, Unresolved, resolve_public
from mpass_status.notify.webhook_store import Taken, WebhookStore
from mpass_status.web.language import language_blueprint

bp = language_blueprint("webhooks", __name__)


def _store() -> WebhookStore:
    store = current_app.extensions.get(KEY)
    if store is None:
        abort(404)
    return WebhookStore(store)


def _form(errors: dict[str, str], status: int):
    return render_template("notify/webhook/signup.html", errors=errors, form=request.form, max_url=MAX_URL), status


@bp.route("/subscribe/webhook/", methods=["GET", "POST"])
def sign_up():
    """Shows the form; its POST records a hook, queues its challenge and opens the hook's own page."""
    store = _store()
    if request.method == "GET":
        return _form({}, 200)
    if (request.content_length or 0) > MAX_FORM_BYTES:
        abort(413)
    if not _from_this_site():
        abort(403)
    url, errors = request.form.get("url", "").strip(), {}
    try:
        # A name that resolves to a private address is refused now, and again at each delivery; one that does not
        # resolve yet is left to its challenge.
        resolve_public(url, runtime.settings().webhook_loopback)
    except Unresolved:
        pass
    except Refused:
        errors["url"] = _("Write one https:// address of your system that is reachable from the internet.")
    owner = clean_address(request.form.get("owner", ""))
    if owner is None:
        errors["owner"] = _("Write one e-mail address, such as firstname.lastname@school.fi.")
    if errors:
        return _form(errors, 400)
    try:
        hook = store.sign_up(url, owner, g.lang, _client(), time.time())
    except Limited:
        return _page(
            _("Too many sign-ups"),
            _("Too many sign-ups have come from here or for this address. Try again later."),
            status=429,
        )
    except Taken:
        return _page(
            _("The address receives the notices already"),
            _("A webhook to this address has been confirmed already. To start again, remove it on its own page."),
            status=409,
            link=(url_for("webhooks.sign_up"), _("Subscribe a webhook")),
        )
    return redirect(url_for("webhooks.hook", token=hook.token), 303)


def _found(token: str):
    found = _store().by_token(_token(token))
    if found is None:
        abort(404)
    return found


@bp.route("/subscribe/webhook/<token>")
def hook(token):
    """Says how a hook stands: awaiting its challenge (and why the last one failed), working, or disabled."""
    return render_template("notify/webhook/hook.html", hook=_found(token), token=token)


@bp.route("/subscribe/webhook/<token>/challenge", methods=["POST"])
def challenge(token):
    """Sends a hook not yet confirmed a new challenge."""
    found = _found(token)
    _store().challenge_again(found.token, time.time())
    return redirect(url_for("webhooks.hook", token=token), 303)


@bp.route("/subscribe/webhook/<token>/secret", methods=["POST"])
def secret(token):
    """Shows a confirmed hook's signing secret, the first time only."""
    found = _found(token)
    shown = _store().reveal_secret(found.token, time.time())
    if shown is None:
        return redirect(url_for("webhooks.hook", token=token), 303)
    return render_template("notify/webhook/secret.html", hook=found, secret=shown)


@bp.route("/subscribe/webhook/<token>/remove", methods=["POST"])
def remove(token):
    """Deletes a hook subscribed on the site; answers the same when it is gone already."""
    _store().remove(_token(token))
    return _page(
        _("Webhook removed"),
        _("Nothing more is sent to the address, and it and its owner's e-mail address have been deleted."),
        link=(url_for("feeds.subscribe"), _("Subscribe to notices")),
    )


def init_app(app) -> None:
    """Registers the webhook pages (they answer 404 where e-mail, and so webhooks, are not offered)."""
    app.register_blueprint(bp)
