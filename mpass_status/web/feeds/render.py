"""Writes a feed of notices as RSS 2.0 or Atom (feedgen), in one language."""

from datetime import datetime, timedelta

from feedgen.feed import FeedGenerator
from flask import render_template
from flask_babel import force_locale
from lxml import etree

from mpass_status.config import SiteConfig
from mpass_status.notices.filters import notice_filter
from mpass_status.notices.limits import FORBIDDEN
from mpass_status.web.addresses import absolute
from mpass_status.web.feeds.catalog import EMPTY_FEED_TIME, Entry, FeedSpec, entries_of, feed_id
from mpass_status.web.labels import (
    STAGE_LABELS,
    TYPE_LABELS,
    cancelled_title,
    component_label,
    feed_description,
    feed_name,
    pending_title,
)

FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The newest entries only: the archive keeps the full history.
LIMIT = 50
# Minutes an RSS reader may wait between polls; matches the responses' Cache-Control max-age.
TTL_MINUTES = 5

# Each update of a notice is an entry of its own, its id built from the notice's id and the update's
# time. The other choice, one entry per notice whose id changes with each update, makes readers and
# feed-to-chat bots that key on the id show the notice again as a new item next to its older copy:
# the same incident twice, and twice again with every update. With an entry per update each item is
# news once, in the order it happened: "investigating", then "identified", then "resolved". Editing a
# notice's title or text keeps every id, so nothing is shown twice; the edit reaches readers with the
# next update and is on the notice page at once. A notice without updates (a change notice, an
# announcement) is one entry.


def xml_text(text: str) -> str:
    """Drops characters XML cannot carry: `notices check` refuses them, and a file that skipped it
    must still not turn a feed into an error."""
    return FORBIDDEN.sub("", text)


def entry_title(entry: Entry, lang: str) -> str:
    """Titles an entry in the current locale: the notice's title, the update's stage, and a pending mark."""
    notice = entry.notice
    title = notice.text("title", lang).value
    if notice.cancelled and entry.newest:
        # The cancellation is news of its own: the newest entry says so, whatever its stage said.
        title = cancelled_title(title)
    elif entry.update:
        title = f"{title} – {STAGE_LABELS[entry.update.stage]}"
    if lang in notice.missing_languages():
        title = pending_title(title)
    return title


def distinct_updated(entries: list[Entry]) -> list[datetime]:
    """Returns each entry's updated time, a second later where entries share one, so no two are equal.

    Atom readers and the W3C validator (DuplicateUpdated) take equal times as one change told twice:
    two notices of the same day, or an update and another notice written for the same minute. A
    second is below what any page shows, and later, not earlier, keeps a day's midnight in its day.
    """
    taken: set[datetime] = set()
    stamps = []
    for entry in entries:
        stamp = entry.updated
        while stamp in taken:
            stamp += timedelta(seconds=1)
        taken.add(stamp)
        stamps.append(stamp)
    return stamps


def entry_content(entry: Entry, config: SiteConfig, lang: str) -> str:
    """Renders the entry's HTML: the update first, then the notice with its summary, body and earlier updates."""
    notice = entry.notice
    earlier = [u for u in notice.updates if entry.update is None or u.time.at < entry.update.time.at]
    return render_template(
        "_feed_entry.html",
        notice=notice,
        update=entry.update,
        corrected=entry.corrected,
        earlier=earlier,
        components=[component_label(config, c, lang) for c in notice.components],
        pending=lang in notice.missing_languages(),
        lang=lang,
    )


def feed_entries(notices, spec: FeedSpec, config: SiteConfig) -> list[Entry]:
    """Returns the newest entries of the notices that spec selects, newest first."""
    keep = notice_filter(config, spec.facet, spec.value)
    return entries_of(n for n in notices if keep(n))[:LIMIT]


def render_feed(notices, spec: FeedSpec, fmt: str, lang: str, config: SiteConfig) -> bytes:
    """Writes the newest entries of the notices that spec selects, as RSS ("rss") or Atom ("atom")."""
    return render_entries(feed_entries(notices, spec, config), spec, fmt, lang, config)


def render_entries(entries: list[Entry], spec: FeedSpec, fmt: str, lang: str, config: SiteConfig) -> bytes:
    """Writes spec's feed of these entries (feed_entries), as RSS ("rss") or Atom ("atom")."""
    with force_locale(lang):
        name = feed_name(spec, config, lang)
        feed = FeedGenerator()
        feed.id(feed_id(config, lang, spec))
        feed.title(f"{name} – {config.name[lang]}")
        feed.description(feed_description(spec, config, lang))
        feed.link(
            href=absolute(config, "feeds.feed", lang=lang, fmt=fmt, **spec.url_args()), rel="self", type=FORMATS[fmt]
        )
        # feedgen makes the last link RSS's <link>: the archive page that lists the same notices.
        feed.link(href=absolute(config, "pages.archive", lang=lang, **spec.archive_args()), rel="alternate")
        feed.language(lang)
        feed.author(name=config.name[lang], email=config.contact_email)
        feed.generator(config.name[lang])
        feed.ttl(TTL_MINUTES)
        stamps = distinct_updated(entries)
        # Left unset, feedgen stamps the time of rendering: the output would differ on every request.
        feed.updated(max(stamps, default=EMPTY_FEED_TIME))
        for entry, updated in zip(entries, stamps, strict=True):
            notice = entry.notice
            item = feed.add_entry(order="append")
            item.id(entry.id(config, lang))
            item.title(xml_text(entry_title(entry, lang)))
            # An update's entry leads to that update on the notice's page.
            anchor = f"#{entry.update.anchor}" if entry.update else ""
            item.link(href=absolute(config, "pages.notice", lang=lang, slug=notice.slug) + anchor, rel="alternate")
            item.published(entry.time)
            item.updated(updated)
            # Atom escapes the HTML in <content type="html">; RSS readers expect it as is in content:encoded.
            item.content(xml_text(entry_content(entry, config, lang)), type="html" if fmt == "atom" else "CDATA")
            item.summary(xml_text(notice.text("summary", lang).value))
            item.category(term=str(TYPE_LABELS[notice.type]))
            for component in notice.components:
                item.category(term=component_label(config, component, lang))
    if fmt == "rss":
        return feed.rss_str(pretty=True)
    # An entry whose text is not yet in the feed's language says which language it is in.
    shown_in = {e.id(config, lang): e.notice.text("title", lang).lang for e in entries}
    return _tag_languages(feed.atom_str(pretty=True), shown_in, lang)


def _tag_languages(atom: bytes, shown_in: dict[str, str], lang: str) -> bytes:
    if all(value == lang for value in shown_in.values()):
        return atom
    root = etree.fromstring(atom)
    for entry in root.iter(f"{{{ATOM}}}entry"):
        other = shown_in.get(entry.findtext(f"{{{ATOM}}}id"))
        if other and other != lang:
            entry.set(XML_LANG, other)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
