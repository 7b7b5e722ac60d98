"""The calendar reads the same in two parsers: vobject follows the VTIMEZONE's rules, icalendar the TZID."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import vobject
from icalendar import Calendar

from ..helpers import notices_folder, write_incident

HELSINKI = ZoneInfo("Europe/Helsinki")
# (slug, local start, local end): winter, summer, and across the spring and autumn changes.
BREAKS = [
    ("2026-01-10-talvi", datetime(2026, 1, 10, 9, 0), datetime(2026, 1, 10, 10, 0)),
    ("2026-07-15-kesa", datetime(2026, 7, 15, 10, 0), datetime(2026, 7, 15, 12, 0)),
    ("2026-03-28-kevat", datetime(2026, 3, 28, 22, 0), datetime(2026, 3, 29, 6, 0)),
    ("2026-10-24-syksy", datetime(2026, 10, 24, 22, 0), datetime(2026, 10, 25, 6, 0)),
]


def test_vobject_and_icalendar_agree_on_every_events_utc_start_and_end(make_site):
    app = make_site(None)
    for slug, start, end in BREAKS:
        write_incident(
            notices_folder(app),
            slug,
            "maintenance",
            "down",
            "test",
            start.replace(tzinfo=HELSINKI),
            end.replace(tzinfo=HELSINKI),
        )
    body = app.test_client().get("/fi/calendar.ics").data
    expected = {
        slug: (start.replace(tzinfo=HELSINKI).astimezone(UTC), end.replace(tzinfo=HELSINKI).astimezone(UTC))
        for slug, start, end in BREAKS
    }
    by_icalendar = {
        str(event["URL"]).rstrip("/").rsplit("/", 1)[-1]: (
            event["DTSTART"].dt.astimezone(UTC),
            event["DTEND"].dt.astimezone(UTC),
        )
        for event in Calendar.from_ical(body).walk("VEVENT")
    }
    parsed = vobject.readOne(body.decode("utf-8"))
    by_vobject = {
        event.url.value.rstrip("/").rsplit("/", 1)[-1]: (
            event.dtstart.value.astimezone(UTC),
            event.dtend.value.astimezone(UTC),
        )
        for event in parsed.vevent_list
    }
    assert by_icalendar == expected
    assert by_vobject == expected
    # Summer time: 10.00 in Helsinki is 07.00 UTC, not 08.00.
    assert by_vobject["2026-07-15-kesa"][0].hour == 7
    # The zone is written as rules, not as a list of dates.
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in body and b"RDATE" not in body
    assert b"DTSTART:19700329T030000" in body and b"DTSTART:19701025T040000" in body
