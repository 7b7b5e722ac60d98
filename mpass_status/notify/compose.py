"""The e-mails, in the subscriber's language: plain text and HTML, threaded per notice, with RFC 8058's
one-click unsubscription and a link to manage the subscription."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import Flask, g, render_template, url_for
from flask_babel import force_locale, gettext
from markupsafe import escape

from mpass_status import runtime
from mpass_status.notices.model import Notice
from mpass_status.notices.news import NewsKind
from mpass_status.notify.store import Mail, Subscriber
from mpass_status.web.labels import STAGE_LABELS, TYPE_LABELS, cancelled_title, component_label


@dataclass(frozen=True)
class Item:
    """One piece of news in an e-mail: the notice, what happened to it and where to read it."""

    notice: Notice
    kind: str
    subject: str
    stage: str | None
    text: str
    html: str
    parts: tuple[str, ...]
    url: str


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def _message_id(*parts, domain: str) -> str:
    # Ids are derived, never random: a message sent again after a crash carries the same id, so mail
    # programs show it once, and every update of a notice names the same thread root.
    digest = hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()[:24]
    return f"<{digest}@{domain}>"


def _subject(kind: str, notice: Notice, lang: str) -> str:
    title = notice.text("title", lang).value
    if kind == NewsKind.CANCELLATION:
        return cancelled_title(title)
    if kind == NewsKind.PUBLISHED:
        return f"{TYPE_LABELS[notice.type]}: {title}"
    if kind == NewsKind.RESOLUTION:
        return gettext("Over: %(title)s", title=title)
    if kind == NewsKind.CORRECTION:
        return gettext("Corrected: %(title)s", title=title)
    return gettext("Update: %(title)s", title=title)


def _item(mail: Mail, notice: Notice, lang: str) -> Item:
    config = runtime.config()
    newest = notice.updates[0] if notice.updates else None
    stage = STAGE_LABELS[newest.stage] if newest and newest.stage in STAGE_LABELS else None
    # An update's own e-mail carries that update; other news the notice's newest state.
    summary = notice.text("summary", lang).value
    # An update's HTML is the notice markdown's, made safe by notices/markdown.py; the summary is plain text.
    html = notice.update_text(newest, lang).value if newest else str(escape(summary))
    plain = (newest.text.get(lang) or next(iter(newest.text.values()), "")) if newest else summary
    anchor = f"#{newest.anchor}" if newest and mail.kind in (NewsKind.UPDATE, NewsKind.RESOLUTION) else ""
    return Item(
        notice,
        mail.kind,
        _subject(mail.kind, notice, lang),
        str(stage) if stage else None,
        plain,
        html,
        tuple(component_label(config, c, lang) for c in notice.affected),
        config.base_url + url_for("pages.notice", lang=lang, slug=notice.slug) + anchor,
    )


def _links(subscriber: Subscriber) -> dict[str, str]:
    base = runtime.config().base_url
    return {
        "manage": base + url_for("notify.manage", lang=subscriber.lang, token=subscriber.manage_token),
        "unsubscribe": base + url_for("notify.unsubscribe", lang=subscriber.lang, token=subscriber.manage_token),
    }


def _message(sender: str, to: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def confirmation(app: Flask, mail: Mail) -> EmailMessage:
    """Returns the e-mail asking a new subscriber to confirm, with the link to the confirmation page."""
    subscriber, sender = mail.subscriber, runtime.settings(app).mail_from
    with _in_language(app, subscriber.lang):
        url = runtime.config().base_url + url_for("notify.confirm", lang=subscriber.lang, token=mail.payload)
        values = {"url": url, "address": subscriber.address, "site": runtime.config().name[subscriber.lang]}
        message = _message(
            sender,
            subscriber.address,
            gettext("Confirm your subscription to MPASSid notices"),
            render_template("notify/mail/confirm.txt", **values),
            render_template("notify/mail/confirm.html", **values),
        )
    message["Message-ID"] = _message_id("confirm", mail.event, subscriber.id, domain=_domain(sender))
    return message


def news(app: Flask, mails: list[Mail]) -> EmailMessage | None:
    """Returns one e-mail of the news in mails (all for one subscriber: one event, or a day's digest), or None
    when none of their notices is still published."""
    subscriber, sender = mails[0].subscriber, runtime.settings(app).mail_from
    domain = _domain(sender)
    by_id = runtime.notices(app).by_id
    with _in_language(app, subscriber.lang):
        items = [_item(m, by_id[m.notice], subscriber.lang) for m in mails if m.notice in by_id]
        if not items:
            return None
        links = _links(subscriber)
        subject = items[0].subject if len(items) == 1 else gettext("MPASSid notices of the day")
        values = {"items": items, "links": links, "digest": len(items) > 1}
        message = _message(
            sender,
            subscriber.address,
            subject,
            render_template("notify/mail/news.txt", **values),
            render_template("notify/mail/news.html", **values),
        )
    message["Message-ID"] = _message_id(*(m.event for m in mails), subscriber.id, domain=domain)
    if len(items) == 1:
        # Every e-mail about one notice answers the thread's root, the notice's first: mail programs group them.
        root = _message_id("thread", items[0].notice.id, subscriber.id, domain=domain)
        if mails[0].kind == NewsKind.PUBLISHED:
            message.replace_header("Message-ID", root)
        else:
            message["In-Reply-To"] = message["References"] = root
    message["List-Id"] = f"MPASSid notices <notices.{domain}>"
    message["List-Unsubscribe"] = f"<{links['unsubscribe']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


@contextmanager
def _in_language(app: Flask, lang: str):
    """An app and request context in a subscriber's language, so url_for, the catalogs and dates work outside a
    request (the sender runs in a thread of its own)."""
    with app.test_request_context("/", base_url=runtime.config(app).base_url), force_locale(lang):
        g.lang = lang
        yield
