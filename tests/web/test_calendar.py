"""The maintenance calendar parses back, keeps its UIDs and raises SEQUENCE when a notice changes."""

import os
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from mpass_status import runtime

from ..helpers import LANGUAGES, build_site, commit_notices, edit, notices_folder

HELSINKI = ZoneInfo("Europe/Helsinki")
BASE = "https://status.mpass.example.fi"
MAINTENANCE = "2026-11-02-huoltokatko-tuotanto.md"
CANCELLED = """---
id: 2026-12-01-peruttu-huolto
type: maintenance
severity: down
affected: [test]
start: 2026-12-01 16:00
end: 2026-12-01 17:00
cancelled: true
title:
  fi: Testiympäristön huoltokatko
  sv: Underhållsavbrott i testmiljön
summary:
  fi: Huoltokatko on peruttu.
  sv: Underhållsavbrottet är inställt.
---
"""
CHANGE = """---
type: change
affected: [prod-oidc]
start: 2027-01-15
title:
  fi: Uusi attribuutti tuotantoon
  sv: Nytt attribut i produktionen
summary:
  fi: Palveluille välitetään uusi attribuutti.
  sv: Ett nytt attribut förmedlas till tjänsterna.
---
"""


def read(client, lang: str = "fi") -> Calendar:
    response = client.get(f"/{lang}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize(("lang", "name"), [("fi", "Huoltokatkot ja muutokset"), ("sv", "Underhållsavbrott och ändr")])
def test_calendar_parses_with_its_time_zone(client, lang, name):
    calendar = read(client, lang)
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]).startswith(name)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    assert calendar.get_missing_tzids() == set()
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"notice-fixture-maintenance-2099-{lang}@status.mpassid.oph.fi"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2099, 3, 14, 18, 0, tzinfo=HELSINKI) and end == datetime(2099, 3, 14, 20, tzinfo=HELSINKI)
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"{BASE}/{lang}/notices/2026-11-02-huoltokatko-tuotanto/"
    assert {"DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "DESCRIPTION"} <= set(event)


def test_event_url_resolves_and_text_is_in_the_language(client):
    (fi,) = read(client, "fi").walk("VEVENT")
    (sv,) = read(client, "sv").walk("VEVENT")
    assert str(fi["SUMMARY"]) == "Tuotantoympäristön huoltokatko"
    assert str(sv["SUMMARY"]) == "Underhållsavbrott i produktionsmiljön"
    assert "Gäller: OpenID Connect-gränssnittet (produktion)" in str(sv["DESCRIPTION"])
    assert client.get(str(fi["URL"])[len(BASE) :]).status_code == 200


def test_cancelled_maintenance_and_all_day_change(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    (folder / "2026-11-23-peruttu-huolto.md").write_text(CANCELLED, encoding="utf-8")
    (folder / "2026-11-23-uusi-attribuutti.md").write_text(CHANGE, encoding="utf-8")
    found = events(read(app.test_client(), "fi"))
    cancelled = found["notice-2026-12-01-peruttu-huolto-fi@status.mpassid.oph.fi"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Peruttu: Testiympäristön huoltokatko"
    change = found["notice-2026-11-23-uusi-attribuutti-fi@status.mpassid.oph.fi"]
    assert change.decoded("DTSTART") == date(2027, 1, 15) and change.decoded("DTEND") == date(2027, 1, 16)
    assert change["DTSTART"].params.get("VALUE") == "DATE"
    # Incidents and announcements are not calendar events.
    assert len(found) == 3


def test_uid_stays_and_sequence_rises_with_each_commit_that_changes_a_notice(tmp_path):
    app = build_site(tmp_path)
    folder = notices_folder(app)
    commit_notices(folder, "Published", when="2026-12-10T10:00:00+02:00")
    client = app.test_client()
    (before,) = read(client).walk("VEVENT")
    first = client.get("/fi/calendar.ics")
    again = build_site(tmp_path)
    assert again.test_client().get("/fi/calendar.ics").data == first.data
    # The commit that added the notice is its publication.
    assert before.decoded("LAST-MODIFIED") == before.decoded("DTSTAMP") == datetime(2026, 12, 10, 8, tzinfo=UTC)

    edit(folder / MAINTENANCE, "end: 2099-03-14 20:00", "end: 2099-03-14 21:00")
    commit_notices(folder, "Longer break", when="2026-12-11T09:30:00+02:00")
    (after,) = read(client).walk("VEVENT")
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") == after.decoded("DTSTAMP") == datetime(2026, 12, 11, 7, 30, tzinfo=UTC)
    assert after.decoded("DTEND") - before.decoded("DTEND") == timedelta(hours=1)

    # A title edit is a change too; the sequence never goes back.
    edit(folder / MAINTENANCE, "fi: Tuotantoympäristön huoltokatko", "fi: Tuotannon huoltokatko")
    commit_notices(folder, "Title", when="2026-12-12T09:30:00+02:00")
    (latest,) = read(client).walk("VEVENT")
    assert str(latest["UID"]) == str(before["UID"]) and str(latest["SUMMARY"]) == "Tuotannon huoltokatko"
    assert int(latest["SEQUENCE"]) > int(after["SEQUENCE"])


def test_outside_git_the_notices_first_seen_keep_the_times_they_state(tmp_path):
    # No mtime and no time of rendering: a copy of the files made later serves the same calendar.
    app = build_site(tmp_path)
    first = app.test_client().get("/fi/calendar.ics")
    (event,) = read(app.test_client()).walk("VEVENT")
    notice = next(n for n in runtime.notices(app).notices if f"{n.slug}.md" == MAINTENANCE)
    assert event.decoded("DTSTAMP") == notice.updated.astimezone(UTC)
    for path in notices_folder(app).iterdir():
        os.utime(path, (time.time(), time.time()))
    assert build_site(tmp_path / "copy").test_client().get("/fi/calendar.ics").data == first.data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_calendar_conditional_get(client, lang):
    first = client.get(f"/{lang}/calendar.ics")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(f"/{lang}/calendar.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    modified = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(f"/{lang}/calendar.ics", headers=modified).status_code == 304
