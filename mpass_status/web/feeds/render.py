"""Writes a feed of notices as RSS 2.0 or Atom (feedgen), in one language."""

from feedgen.feed import FeedGenerator
from flask import render_template
from flask_babel import force_locale
from lxml import etree

from mpass_status.config import SiteConfig
from mpass_status.notices.filters import notice_filter
from mpass_status.notices.limits import FORBIDDEN
from mpass_status.notices.model import Text
from mpass_status.notices.news import FINAL_STAGES, update_keys
from mpass_status.web.addresses import absolute
from mpass_status.web.feeds.catalog import EMPTY_FEED_TIME, Entry, EntryKind, FeedSpec, entries_of, feed_id
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
# news once, in the order it happened: "investigating", then "identified", then "resolved". A cancellation
# is an entry of its own too (a reader that had read the maintenance would never see a renamed one). Editing
# a notice's title or text keeps every id, so nothing is shown twice; the correction renews the notice's
# newest entry (its updated time). A notice without updates (a change notice, an announcement) is one entry.
# Every time an entry states is its publication's, from the record of news (notices/news.py).


def xml_text(text: str) -> str:
    """Drops characters XML cannot carry: `notices check` refuses them, and a file that skipped it
    must still not turn a feed into an error."""
    return FORBIDDEN.sub("", text)


def entry_title(entry: Entry, lang: str) -> str:
    """Titles an entry in the current locale: the notice's title, the update's stage or the cancellation, and a
    pending mark."""
    notice = entry.notice
    title = notice.text("title", lang).value
    if entry.kind == EntryKind.CANCELLATION:
        title = cancelled_title(title)
    elif entry.update:
        title = f"{title} – {STAGE_LABELS[entry.update.stage]}"
    if lang in notice.missing_languages():
        title = pending_title(title)
    return title


def tells_the_outcome(entry: Entry) -> bool:
    """Tells whether an entry may carry the notice's summary and whole range: not an update before the last
    stage, whose news was published before the summary that tells how it ended was written."""
    if entry.kind != EntryKind.UPDATE or entry.notice.type != "incident":
        return True
    return entry.update.stage in FINAL_STAGES


def entry_summary(entry: Entry, lang: str) -> Text:
    """Returns the entry's short text: its update's own text, else the notice's summary."""
    if entry.update and not tells_the_outcome(entry):
        texts = entry.update.text
        shown = lang if texts.get(lang) else next((other for other in entry.notice.languages if texts.get(other)), lang)
        return Text(texts.get(shown, ""), shown, shown != lang)
    return entry.notice.text("summary", lang)


def entry_content(entry: Entry, config: SiteConfig, lang: str) -> str:
    """Renders the entry's HTML: its update first, then the notice as it stood at that stage, and earlier updates."""
    notice = entry.notice
    keys = [key for key, _ in update_keys(notice)]
    shown = keys.index(entry.key) if entry.key in keys else len(keys)
    earlier = [u for key, u in reversed(update_keys(notice)) if key in keys[:shown]]
    outcome = tells_the_outcome(entry)
    return render_template(
        "_feed_entry.html",
        notice=notice,
        update=entry.update,
        cancellation=entry.kind == EntryKind.CANCELLATION,
        corrected=entry.corrected,
        earlier=earlier,
        outcome=outcome,
        summary=entry_summary(entry, lang) if outcome else None,
        components=[component_label(config, c, lang) for c in notice.components],
        pending=lang in notice.missing_languages(),
        lang=lang,
    )


def feed_entries(notices, events, spec: FeedSpec, config: SiteConfig) -> list[Entry]:
    """Returns the newest entries of the notices that spec selects, newest first, from the record of news."""
    keep = notice_filter(config, spec.facet, spec.value)
    return entries_of([n for n in notices if keep(n)], events)[:LIMIT]


def render_feed(notices, events, spec: FeedSpec, fmt: str, lang: str, config: SiteConfig) -> bytes:
    """Writes the newest entries of the notices that spec selects, as RSS ("rss") or Atom ("atom")."""
    return render_entries(feed_entries(notices, events, spec, config), spec, fmt, lang, config)


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
        # Left unset, feedgen stamps the time of rendering: the output would differ on every request.
        feed.updated(max((e.written for e in entries), default=EMPTY_FEED_TIME))
        for entry in entries:
            notice = entry.notice
            item = feed.add_entry(order="append")
            item.id(entry.id(config, lang))
            item.title(xml_text(entry_title(entry, lang)))
            # An update's entry leads to that update on the notice's page.
            anchor = f"#{entry.update.anchor}" if entry.update else ""
            item.link(href=absolute(config, "pages.notice", lang=lang, slug=notice.slug) + anchor, rel="alternate")
            # Publication times, not stated ones (those are in the text): a reader sees news when it is published.
            item.published(entry.published + (entry.written - entry.updated))
            item.updated(entry.written)
            # Atom escapes the HTML in <content type="html">; RSS readers expect it as is in content:encoded.
            item.content(xml_text(entry_content(entry, config, lang)), type="html" if fmt == "atom" else "CDATA")
            item.summary(xml_text(entry_summary(entry, lang).value))
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
