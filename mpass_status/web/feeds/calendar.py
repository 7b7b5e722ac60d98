"""Writes the calendar of maintenance breaks and changes as iCalendar (icalendar), in one language."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext
from icalendar import Calendar, Component, Event, Timezone

from mpass_status.config import SiteConfig
from mpass_status.notices.limits import FORBIDDEN
from mpass_status.notices.model import Notice
from mpass_status.web.addresses import absolute
from mpass_status.web.feeds.catalog import event_uid, id_domain
from mpass_status.web.labels import TYPE_LABELS, cancelled_title, component_label, pending_title

CALENDAR_TYPES = ("maintenance", "change")
MIMETYPE = "text/calendar"
# How often a subscribed calendar should fetch the file again.
REFRESH = timedelta(hours=1)
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def newest_news(news) -> dict[str, datetime]:
    """Returns when each notice's newest news (NewsEvent, notices/news.py) was published, by notice id."""
    return {event.notice_id: event.published for event in news}


def changed_at(notice: Notice, newest: dict[str, datetime]) -> datetime:
    """Returns when the notice's newest news was published (newest_news), else when it states it was published."""
    return newest.get(notice.id, notice.published).astimezone(UTC).replace(microsecond=0)


def sequence(changed: datetime) -> int:
    """Returns an event's SEQUENCE: seconds from 2024 to the publication of its notice's newest news."""
    # A calendar replaces its copy of an event only when SEQUENCE rises, and RFC 5545 lets it never
    # fall. The publication time of the newest news does both: the record of news never goes back in
    # time, every cancellation or correction is published later than what it changes (even when the
    # maintenance lies in the future), and a fresh clone has the same history. It stays below 2**31 until 2092.
    return max(0, int((changed - SEQUENCE_EPOCH).total_seconds()))


def _wall_clock(moment: datetime, config: SiteConfig) -> datetime:
    """Returns moment on the Helsinki clock, or in UTC where that clock reads the same twice (the autumn night):
    a TZID time there is read as its first occurrence by icalendar and vobject, whatever instant it meant."""
    local = moment.astimezone(config.timezone)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return moment.astimezone(UTC)
    return local


def _times(notice: Notice, config: SiteConfig):
    """Returns DTSTART and DTEND: dates for whole days (DTEND the day after), else Helsinki wall-clock times
    (UTC on the hour the autumn night repeats)."""
    start, end = notice.start, notice.end
    if not start.has_time:
        last = end.at.date() if end else start.at.date()
        return start.at.date(), last + timedelta(days=1)
    begins = _wall_clock(start.at, config)
    if end is None:
        # An open maintenance has its planned length, so calendars show a block, not a point.
        planned = notice.planned_end()
        return begins, _wall_clock(planned, config) if planned else None
    if end.has_time:
        return begins, _wall_clock(end.at, config)
    return begins, datetime.combine(end.at.date() + timedelta(days=1), time(0), tzinfo=config.timezone)


def _event(notice: Notice, newest: dict[str, datetime], lang: str, config: SiteConfig) -> Event:
    title = notice.text("title", lang).value
    if notice.cancelled:
        title = cancelled_title(title)
    if lang in notice.missing_languages():
        title = pending_title(title)
    url = absolute(config, "pages.notice", lang=lang, slug=notice.slug)
    lines = [notice.text("summary", lang).value]
    note = notice.text("editor_note", lang).value
    if note:
        lines.append(gettext("Editor's note:") + " " + note)
    if notice.components:
        names = ", ".join(component_label(config, c, lang) for c in notice.components)
        lines.append(gettext("Affects: %(components)s", components=names))
    lines.append(url)
    changed = changed_at(notice, newest)
    starts, ends = _times(notice, config)
    event = Event()
    event.add("uid", event_uid(config, lang, notice))
    event.add("sequence", sequence(changed))
    # DTSTAMP is the notice's newest news rather than the time of the request, so the file is the
    # same on every request and its ETag holds until a notice changes.
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("dtstart", starts)
    if ends is not None:
        event.add("dtend", ends)
    event.add("summary", FORBIDDEN.sub("", title))
    event.add("description", FORBIDDEN.sub("", "\n\n".join(lines)))
    event.add("url", url)
    event.add("categories", [str(TYPE_LABELS[notice.type])])
    event.add("status", "CANCELLED" if notice.cancelled else "CONFIRMED")
    # A maintenance break of MPASSid does not make the subscriber busy.
    event.add("transp", "TRANSPARENT")
    return event


def calendar_notices(notices) -> list[Notice]:
    """Picks the maintenance and change notices that have a date, earliest first."""
    chosen = [n for n in notices if n.type in CALENDAR_TYPES and n.start]
    return sorted(chosen, key=lambda n: (n.start.at, n.id))


def calendar_changed(notices, news) -> datetime:
    """Returns when the calendar last changed: its newest event's news, as every worker and clone sees it."""
    newest = newest_news(news)
    return max((changed_at(n, newest) for n in calendar_notices(notices)), default=SEQUENCE_EPOCH)


def render_calendar(notices, news, lang: str, config: SiteConfig) -> bytes:
    """Writes one VEVENT per maintenance or change notice, with the Europe/Helsinki VTIMEZONE."""
    with force_locale(lang):
        chosen = calendar_notices(notices)
        newest = newest_news(news)
        calendar = Calendar()
        calendar.add("prodid", f"-//{id_domain(config)}//MPASSid status//{lang.upper()}")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = gettext("Maintenance breaks and changes – %(site)s", site=config.name[lang])
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", config.timezone.key)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for notice in chosen:
            calendar.add_component(_event(notice, newest, lang, config))
        calendar.add_component(vtimezone(config.timezone))
    return calendar.to_ical()


def _transitions(tz: ZoneInfo, year: int) -> list[datetime]:
    """Returns the UTC moments in year when tz's offset changes, found hour by hour."""
    moment = datetime(year, 1, 1, tzinfo=UTC)
    found, offset = [], moment.astimezone(tz).utcoffset()
    while moment.year == year:
        step = moment + timedelta(hours=1)
        if step.astimezone(tz).utcoffset() != offset:
            found.append(step)
            offset = step.astimezone(tz).utcoffset()
        moment = step
    return found


def _rule_part(tz: ZoneInfo, change: datetime, name: str) -> Component:
    """Writes one transition as the zone's yearly rule: 'the last Sunday of March at 03:00 local time'."""
    before, after = (change - timedelta(hours=1)).astimezone(tz), change.astimezone(tz)
    # DTSTART is the wall-clock time of the change, read on the clock before it.
    local = change.astimezone(timezone(before.utcoffset())).replace(tzinfo=None)
    month_days = (date(local.year + local.month // 12, local.month % 12 + 1, 1) - timedelta(days=1)).day
    week = -1 if local.day + 7 > month_days else (local.day - 1) // 7 + 1
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local.weekday()]
    part = Component()
    part.name = name
    part.add("tzname", after.tzname())
    part.add("tzoffsetfrom", before.utcoffset())
    part.add("tzoffsetto", after.utcoffset())
    part.add("dtstart", local.replace(year=1970, day=1) + timedelta(days=_day_in_1970(local, week)))
    part.add("rrule", {"freq": "yearly", "bymonth": local.month, "byday": f"{week}{weekday}"})
    return part


def _day_in_1970(local: datetime, week: int) -> int:
    # The rule's first occurrence in 1970, the conventional base year, as days after the 1st.
    first = date(1970, local.month, 1)
    days = [first + timedelta(days=d) for d in range(31) if (first + timedelta(days=d)).month == local.month]
    matching = [d for d in days if d.weekday() == local.weekday()]
    return (matching[week] if week < 0 else matching[week - 1]).day - 1


def vtimezone(tz: ZoneInfo) -> Timezone:
    """Returns tz as a VTIMEZONE of yearly rules (RRULE), as Outlook and vobject read it right.

    Listing each year's transitions (RDATE) instead made vobject, and by reports Outlook, put every
    summer-time event an hour late.
    """
    zone = Timezone()
    zone.add("tzid", tz.key)
    changes = _transitions(tz, SEQUENCE_EPOCH.year)
    if not changes:
        offset = datetime(SEQUENCE_EPOCH.year, 1, 1, tzinfo=tz).utcoffset()
        standard = Component()
        standard.name = "STANDARD"
        standard.add("tzname", datetime(SEQUENCE_EPOCH.year, 1, 1, tzinfo=tz).tzname())
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("dtstart", datetime(1970, 1, 1))
        zone.add_component(standard)
        return zone
    for change in changes:
        after = change.astimezone(tz)
        zone.add_component(_rule_part(tz, change, "DAYLIGHT" if after.dst() else "STANDARD"))
    return zone
