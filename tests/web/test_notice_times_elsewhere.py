"""The feeds, the calendar and the status API tell a notice's time as its page does, and carry the editors' note:
no clock time, midnight or end the record does not give (the Wilma failure of 26.10.2020)."""

import re

import feedparser
import pytest
from icalendar import Calendar

from ..helpers import ROOT, VALID, notices_folder, write

WILMA = "2020-10-26-wilma-kirjautumishairio"
PERIOD = {
    "fi": "26.10.2020 aamusta; ohi viimeistään 27.10.2020",
    "sv": "från morgonen 26.10.2020; över senast 27.10.2020",
}
NOTE = {"fi": "Toimituksen huomautus:", "sv": "Redaktionell anmärkning:"}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    from ..helpers import build_site

    return build_site(tmp_path_factory.mktemp("shipped"), ROOT / "notices").test_client()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace(" ;", ";").split())


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_feeds_tell_the_wilma_failure_as_its_page_does(shipped, lang, fmt):
    entries = [e for e in feedparser.parse(shipped.get(f"/{lang}/feed.{fmt}").data).entries if WILMA in e.link]
    resolved = text_of(entries[0].content[0].value)
    assert PERIOD[lang] in resolved, resolved
    # Not the two-day span, and no clock time the record lacks.
    assert "26.10.2020 – 27.10.2020" not in resolved
    assert not re.search(r"\b(klo|kl\.) \d", resolved)
    page = text_of(shipped.get(f"/{lang}/notices/{WILMA}/").get_data(as_text=True))
    assert PERIOD[lang] in page


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_status_api_gives_days_as_days_and_the_end_as_a_bound(shipped, lang):
    incidents = shipped.get(f"/api/v2/incidents.json?lang={lang}").get_json()["incidents"]
    wilma = next(i for i in incidents if i["id"] == WILMA)
    assert wilma["started_at"] == "2020-10-26" and wilma["resolved_at"] == "2020-10-27"
    assert wilma["created_at"] == "2020-10-26" and wilma["updated_at"] == "2020-10-27"
    assert [u["created_at"] for u in wilma["incident_updates"]] == ["2020-10-27", "2020-10-26"]
    assert wilma["mpass_period"] == PERIOD[lang] and wilma["mpass_ended_by"] == "2020-10-27"
    assert "T00:00" not in str({key: value for key, value in wilma.items() if key != "components"})
    # A notice with clock times keeps its instants.
    outage = next(i for i in incidents if i["id"] == "2019-11-20-tunnistushairio")
    assert outage["started_at"] == "2019-11-20T07:50:00.000+02:00" and outage["mpass_ended_by"] is None
    assert outage["mpass_period"] == {"fi": "20.11.2019 klo 7.50–9.12", "sv": "20.11.2019 kl. 7.50–9.12"}[lang]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_feeds_and_the_calendar_carry_the_editors_note(shipped, lang):
    slug = "2021-11-05-tietomalli-1-2-palveluntarjoajat"
    entry = next(e for e in feedparser.parse(shipped.get(f"/{lang}/feed.atom").data).entries if slug in e.link)
    content = text_of(entry.content[0].value)
    assert NOTE[lang] in content and "1.2.246.562.10.494695390410" in content.split(NOTE[lang])[1]
    calendar = Calendar.from_ical(shipped.get(f"/{lang}/calendar.ics").data)
    event = next(e for e in calendar.walk("VEVENT") if slug in str(e["url"]))
    assert NOTE[lang] in str(event["description"])


def test_the_status_api_carries_an_incidents_editors_note(make_site):
    app = make_site(None)
    note = "editor_note:\n  fi: Korjasimme alkamisajan.\n  sv: Vi har rättat starttiden.\n"
    write(notices_folder(app), VALID.replace("updates:", note + "updates:"))
    client = app.test_client()
    for lang, told in (("fi", "Korjasimme alkamisajan."), ("sv", "Vi har rättat starttiden.")):
        incident = client.get(f"/api/v2/incidents.json?lang={lang}").get_json()["incidents"][0]
        assert incident["mpass_editor_note"] == told
        assert incident["started_at"] == "2024-02-01T08:00:00.000+02:00"
