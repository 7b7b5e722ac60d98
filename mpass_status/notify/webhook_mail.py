"""The e-mail telling a hook's owner that the hook was disabled, in the language of the page it was subscribed
on, sent through the e-mail sender's SMTP connection (smtp.py)."""

from email.message import Message

from flask import Flask, render_template, url_for
from flask_babel import gettext

from mpass_status import runtime
from mpass_status.notify.compose import _domain, _in_language, _message, _message_id
from mpass_status.notify.webhook_store import Hook


def disabled_mail(app: Flask, hook: Hook) -> Message:
    """Returns the e-mail to hook's owner: which URL was disabled, why, and how it is enabled again."""
    sender = runtime.settings(app).mail_from
    with _in_language(app, hook.lang):
        config = runtime.config(app)
        values = {
            "url": hook.url,
            "reason": hook.disabled,
            "configured": hook.configured,
            "page": config.base_url + url_for("webhooks.sign_up"),
            "site": config.name[hook.lang],
        }
        message = _message(
            sender,
            hook.owner,
            gettext("MPASSid's webhook to %(url)s was disabled", url=hook.url),
            render_template("notify/webhook/disabled.txt", **values),
            render_template("notify/webhook/disabled.html", **values),
        )
    message["Message-ID"] = _message_id("webhook-disabled", hook.id, hook.disabled_at, domain=_domain(sender))
    return message
