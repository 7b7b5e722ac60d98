"""Three calendar readers (icalendar, vobject and Debian's khal) read the same instants on both nights the clocks
turn, as the notice pins them with their offsets."""

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import vobject
from icalendar import Calendar

from ..helpers import notices_folder

# (slug, start and end as the editor writes them, the instants they pin)
NIGHTS = [
    # The autumn night: 03:30 happens twice; +02:00 is the second time (winter time).
    (
        "syysyo",
        "2027-10-31 03:30 +02:00",
        "2027-10-31 04:30 +02:00",
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 2, 30, tzinfo=UTC),
    ),
    # The spring night: the clocks skip from 03:00 to 04:00.
    (
        "kevatyo",
        "2027-03-28 02:30 +02:00",
        "2027-03-28 04:30 +03:00",
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    ),
]
KHAL_CONFIG = """[calendars]
[[unused]]
path = {folder}
[locale]
local_timezone = UTC
default_timezone = UTC
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%dT%H:%M
longdatetimeformat = %Y-%m-%dT%H:%M
"""


def write_maintenance(folder, slug: str, start: str, end: str) -> None:
    # Announced yesterday: a file is named by the day it is published.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    posted = yesterday.strftime("%Y-%m-%d %H:%M Z")
    (folder / f"{yesterday:%Y-%m-%d}-{slug}.md").write_text(
        f"""---
id: {slug}
type: maintenance
severity: down
affected: [test]
start: {start}
end: {end}
title:
  fi: Huoltokatko {slug}
  sv: Underhållsavbrott {slug}
summary:
  fi: Testiympäristö on poissa käytöstä.
  sv: Testmiljön är ur bruk.
updates:
  - time: {posted}
    stage: scheduled
    fi: Huoltokatko on suunniteltu.
    sv: Underhållsavbrottet är planerat.
---
""",
        encoding="utf-8",
    )


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("-")[-1]


def by_khal(tmp_path, body: bytes) -> dict[str, tuple[datetime, datetime]]:
    (tmp_path / "khal").mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(KHAL_CONFIG.format(folder=tmp_path / "khal"), encoding="utf-8")
    calendar = tmp_path / "calendar.ics"
    calendar.write_bytes(body)
    done = subprocess.run(
        ["khal", "-c", str(config), "printics", "--format", "{start}|{end}|{url}", str(calendar)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    found = {}
    for line in done.stdout.splitlines():
        if line.count("|") == 2:
            start, end, url = line.split("|")
            found[slug_of(url)] = tuple(datetime.fromisoformat(t).replace(tzinfo=UTC) for t in (start, end))
    return found


@pytest.mark.skipif(shutil.which("khal") is None, reason="khal is installed by make system-packages")
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_icalendar_vobject_and_khal_read_the_instants_the_notice_pins_on_both_nights(make_site, tmp_path, lang):
    app = make_site(None)
    for slug, start, end, _, _ in NIGHTS:
        write_maintenance(notices_folder(app), slug, start, end)
    body = app.test_client().get(f"/{lang}/calendar.ics").data
    expected = {slug: (start, end) for slug, _, _, start, end in NIGHTS}
    by_icalendar = {
        slug_of(str(event["URL"])): (event.decoded("DTSTART").astimezone(UTC), event.decoded("DTEND").astimezone(UTC))
        for event in Calendar.from_ical(body).walk("VEVENT")
    }
    by_vobject = {
        slug_of(event.url.value): (event.dtstart.value.astimezone(UTC), event.dtend.value.astimezone(UTC))
        for event in vobject.readOne(body.decode("utf-8")).vevent_list
    }
    assert by_icalendar == expected
    assert by_vobject == expected
    assert by_khal(tmp_path, body) == expected
