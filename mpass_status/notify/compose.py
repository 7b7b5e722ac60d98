"""The e-mails, in the subscriber's language: plain text and HTML, threaded per notice (a maintenance break's
reminder too), the checks' automatic notice threaded with its follow-up, with RFC 8058's one-click
unsubscription and a link to manage the subscription."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate, parseaddr

from flask import Flask, g, render_template, url_for
from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape

from mpass_status import runtime
from mpass_status.notices.model import Notice
from mpass_status.notices.news import NewsKind
from mpass_status.notify import auto_notice, reminders
from mpass_status.notify.store import Mail
from mpass_status.web.dates import format_moment
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
    # A line before the notice's own text: what a reminder reminds of.
    intro: str = ""


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def _message_id(*parts, domain: str) -> str:
    # Ids are derived, never random: a message sent again after a crash carries the same id, so mail
    # programs show it once, and every update of a notice names the same thread root.
    digest = hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()[:24]
    return f"<{digest}@{domain}>"


def _subject(kind: str, notice: Notice, lang: str) -> str:
    title = notice.text("title", lang).value
    if kind == reminders.KIND:
        return gettext(
            "Reminder of the maintenance break beginning %(start)s: %(title)s",
            title=title,
            start=format_moment(notice.start, lang),
        )
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
        gettext("This maintenance break begins %(start)s.", start=format_moment(notice.start, lang))
        if mail.kind == reminders.KIND
        else "",
    )


def _message(sender: str, to: str, subject: str, text: str, html: str) -> Message:
    # email.mime with the compat32 policy: the modern EmailMessage parses every header it is given again, which
    # took most of a sender's time at 100,000 e-mails.
    message = MIMEMultipart("alternative", policy=UNFOLDED)
    message["From"], message["To"] = sender, to
    # A notice's title may hold a line break (YAML lets an author write one): in a header it would start a header
    # of its own, so the subject is one line.
    subject = " ".join(subject.split())
    message["Subject"] = Header(subject, "utf-8").encode() if not subject.isascii() else subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText(html, "html", "utf-8"))
    return message


def confirmation(app: Flask, mail: Mail) -> Message:
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


# Headers written whole: compat32 would fold List-Unsubscribe's long address onto a line of its own, which some
# programs then read with a leading space. Every header here is far shorter than SMTP's 998 characters.
UNFOLDED = compat32.clone(max_line_length=None)
# Stands for a subscriber's management token in a rendered e-mail (the same length and alphabet as one).
TOKEN_MARK = "T" * 43
# Rendered e-mails by (notices version, events, language): a fan-out renders each once, not once a subscriber.
_rendered: dict[tuple, tuple[str, str, str, str, str] | None] = {}


def _render_news(app: Flask, mails: list[Mail], lang: str) -> tuple[str, str, str, str, str] | None:
    """Returns subject, text, HTML, the thread's notice id and the unsubscription address of mails in lang, its
    links holding TOKEN_MARK."""
    notices = runtime.notices(app)
    key = (notices.version, tuple((m.event, m.kind, m.notice) for m in mails), lang)
    if key in _rendered:
        return _rendered[key]
    with _in_language(app, lang):
        items = [_item(m, notices.by_id[m.notice], lang) for m in mails if m.notice in notices.by_id]
        found = None
        if items:
            base = runtime.config().base_url
            links = {
                "manage": base + url_for("notify.manage", lang=lang, token=TOKEN_MARK),
                "unsubscribe": base + url_for("notify.unsubscribe", lang=lang, token=TOKEN_MARK),
            }
            subject = items[0].subject if len(items) == 1 else gettext("MPASSid notices of the day")
            values = {"items": items, "links": links, "digest": len(items) > 1}
            text = render_template("notify/mail/news.txt", **values)
            html = render_template("notify/mail/news.html", **values)
            found = (subject, text, html, items[0].notice.id if len(items) == 1 else "", links["unsubscribe"])
    if len(_rendered) > 256:
        _rendered.clear()
    _rendered[key] = found
    return found


def news(app: Flask, mails: list[Mail]) -> Message | None:
    """Returns one e-mail of the news in mails (all for one subscriber: one event, or a day's digest), or None
    when none of their notices is still published."""
    subscriber, sender = mails[0].subscriber, runtime.settings(app).mail_from
    domain = _domain(sender)
    rendered = _render_news(app, mails, subscriber.lang)
    if rendered is None:
        return None
    subject, text, html, thread, unsubscribe = rendered
    token = subscriber.manage_token
    message = _message(
        sender, subscriber.address, subject, text.replace(TOKEN_MARK, token), html.replace(TOKEN_MARK, token)
    )
    message["Message-ID"] = _message_id(*(m.event for m in mails), subscriber.id, domain=domain)
    if thread:
        # Every e-mail about one notice answers the thread's root, the notice's first: mail programs group them.
        root = _message_id("thread", thread, subscriber.id, domain=domain)
        if mails[0].kind == NewsKind.PUBLISHED:
            message.replace_header("Message-ID", root)
        else:
            message["In-Reply-To"] = message["References"] = root
    _list_headers(message, domain, unsubscribe.replace(TOKEN_MARK, token))
    return message


def _list_headers(message: Message, domain: str, unsubscribe: str) -> None:
    message["List-Id"] = f"MPASSid notices <notices.{domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def automatic(app: Flask, mail: Mail) -> Message:
    """Returns the checks' automatic notice that production is down, or its follow-up that it works again (which
    answers the first), in the subscriber's language."""
    subscriber, settings = mail.subscriber, runtime.settings(app)
    domain, lang, down = _domain(settings.mail_from), subscriber.lang, mail.kind == auto_notice.DOWN
    episode = mail.event.split(":")[1]
    with _in_language(app, lang):
        config = runtime.config()
        base, token = config.base_url, subscriber.manage_token
        links = {
            "site": base + url_for("pages.front", lang=lang),
            "manage": base + url_for("notify.manage", lang=lang, token=token),
            "unsubscribe": base + url_for("notify.unsubscribe", lang=lang, token=token),
        }
        minutes = round(settings.auto_notice_after_seconds / 60)
        values = {
            "down": down,
            "links": links,
            "since": format_moment(datetime.fromtimestamp(int(episode), UTC), lang),
            "at": "" if down else format_moment(datetime.fromtimestamp(int(mail.notice), UTC), lang),
            "parts": [component_label(config, c, lang) for c in mail.notice.split(",")] if down else [],
            "lasted": ngettext("It has lasted over %(num)s minute.", "It has lasted over %(num)s minutes.", minutes),
        }
        subject = (
            gettext("Automatic finding: MPASSid does not work in production")
            if down
            else gettext("Automatic finding: MPASSid works again in production")
        )
        text = render_template("notify/mail/automatic.txt", subject=subject, **values)
        html = render_template("notify/mail/automatic.html", subject=subject, **values)
    message = _message(settings.mail_from, subscriber.address, subject, text, html)
    root = _message_id("automatic", episode, subscriber.id, domain=domain)
    if down:
        message["Message-ID"] = root
    else:
        message["Message-ID"] = _message_id(mail.event, subscriber.id, domain=domain)
        message["In-Reply-To"] = message["References"] = root
    _list_headers(message, domain, links["unsubscribe"])
    return message


@contextmanager
def _in_language(app: Flask, lang: str):
    """An app and request context in a subscriber's language, so url_for, the catalogs and dates work outside a
    request (the sender runs in a thread of its own)."""
    with app.test_request_context("/", base_url=runtime.config(app).base_url), force_locale(lang):
        g.lang = lang
        yield
