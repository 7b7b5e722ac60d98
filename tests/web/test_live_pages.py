"""The whole path: a stand-in broker's fault → probe round → SQLite → front page and component page, fi and sv."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.web.dates import format_clock

from ..helpers import FIXTURE_NOTICES, active_markup, notices_folder, wait_for, write_incident
from .test_headline import healthy_round


@pytest.fixture
def live_app(standin_site):
    # A notice that names no stand-in component, so the states come from the checks alone.
    source = FIXTURE_NOTICES / "2019-11-20-tunnistushairio.md"
    (notices_folder(standin_site) / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return standin_site


def rounds(app, count):
    for _ in range(count):
        run_round(runtime.config(app), runtime.results(app))


def component_row(html: str, name: str) -> str:
    rows = re.findall(r"<li>\s*<a class=\"component-name\".*?</li>", html, re.S)
    return next(row for row in rows if f">{name}<" in row)


def test_without_results_nothing_is_green(live_app):
    client = live_app.test_client()
    fi = client.get("/fi/").get_data(as_text=True)
    # Not "no known problems": the headline says the status is unknown, and why.
    assert "Tilanne ei ole tiedossa: automaattisilla tarkistuksilla ei ole tuoreita tuloksia" in fi
    assert "Ongelmia ei tiedetä" not in fi
    assert "Automaattisia tarkistuksia ei ole vielä tehty" in fi
    assert "state-operational" not in fi.split('id="legend-heading"')[0]
    assert fi.count('class="state state-unknown"') >= 9


def test_healthy_broker_turns_the_components_green_with_a_reason(live_app):
    rounds(live_app, 2)
    client = live_app.test_client()
    fi = client.get("/fi/").get_data(as_text=True)
    sv = client.get("/sv/").get_data(as_text=True)
    assert "Kaikki MPASSid:n osat toimivat normaalisti." in fi
    assert "Alla delar av MPASSid fungerar normalt." in sv
    row = component_row(fi, "SAML-rajapinta")
    assert "state-operational" in row and "Automaattinen tarkistus: vastasi" in row
    # Two rounds are no 90-day availability: the figure waits until results cover half of the period.
    assert '90 päivää: <span class="no-figure">ei vielä riittävästi tietoa</span>' in row
    assert '90 dagar: <span class="no-figure">ännu inte tillräckligt med uppgifter</span>' in sv
    assert "Viimeisin tarkistus:" in fi
    # A reason and the note on what a login method's check can see are two sentences.
    wilma = component_row(fi, "Wilma")
    assert re.search(r"vastasi \d+\sms:ssa\. Tarkistus näkee vain, että MPASSid tarjoaa", wilma), wilma
    assert re.search(r"svarade på \d+\sms\. Kontrollen ser bara", component_row(sv, "Wilma"))


def test_a_fault_shows_with_its_reason_and_recovery_turns_it_back(live_app, broker):
    # A healthy start (a busy machine can make a first round slow), so only the fault's part fails.
    assert wait_for(lambda: healthy_round(live_app), timeout=60, step=0)
    broker.set_fault("metadata", "expired_cert")
    rounds(live_app, 3)
    client = live_app.test_client()
    fi = client.get("/fi/").get_data(as_text=True)
    sv = client.get("/sv/").get_data(as_text=True)
    assert "Kirjautuminen MPASSid:llä SAML-rajapinnan kautta ei onnistu; OpenID Connect -rajapinta toimii." in fi
    fi_row, sv_row = component_row(fi, "SAML-rajapinta"), component_row(sv, "SAML-gränssnittet")
    assert "state-down" in fi_row and "allekirjoitusvarmenne vanheni" in fi_row
    assert "state-down" in sv_row and "signeringscertifikatet gick ut" in sv_row
    page = client.get("/fi/components/prod-saml/").get_data(as_text=True)
    assert "state-down" in page and "mittausta: nopein" in page and 'class="bar state-' in page
    assert re.search(r"<td>\d+(,\d+)?\u00a0%</td>", page), "the day's availability in the reader's format"
    assert page.count('<dd><span class="no-figure">ei vielä riittävästi tietoa</span></dd>') == 4
    assert active_markup(page) == []
    broker.clear()
    rounds(live_app, 2)
    assert "state-operational" in component_row(client.get("/fi/").get_data(as_text=True), "SAML-rajapinta")


def test_staff_notice_takes_precedence_and_says_so(live_app):
    assert wait_for(lambda: healthy_round(live_app), timeout=60, step=0)
    notice = (FIXTURE_NOTICES / "2026-11-20-wilma-hairio-jatkuu.md").read_text(encoding="utf-8")
    (notices_folder(live_app) / "2026-11-20-wilma-hairio-jatkuu.md").write_text(notice, encoding="utf-8")
    fi = live_app.test_client().get("/fi/").get_data(as_text=True)
    row = component_row(fi, "Wilma")
    assert "state-disrupted" in row and "Ylläpidon tiedote:" in row and "Wilma-kirjautumisissa on häiriöitä" in row
    assert "Kirjautuminen Wilma-tunnuksilla epäonnistuu osalla käyttäjistä; muut kirjautumistavat toimivat." in fi


def test_a_hung_broker_never_holds_up_a_page(live_app, broker):
    broker.set_fault("discovery", "hang")
    round_thread = threading.Thread(target=rounds, args=(live_app, 1))
    round_thread.start()
    try:
        response = live_app.test_client().get("/fi/components/prod-oidc/")
        # The page was served from the database while the round still waited for the hung broker.
        assert response.status_code == 200 and round_thread.is_alive()
    finally:
        round_thread.join()


def test_staff_and_checks_differing_both_show_on_the_component_page(live_app, broker):
    rounds(live_app, 1)
    broker.set_fault("discovery", "500")
    rounds(live_app, 3)
    failures = [r for r in runtime.results(live_app).results_between(*_today(), "prod-oidc") if r.outcome == "failed"]
    first_failure = min(r.time for r in failures)
    # Staff call it a minor matter while the checks say it does not work at all: the reader sees both.
    write_incident(notices_folder(live_app), "2026-11-24-vahainen", "incident", "notice", "prod-oidc", first_failure)
    client = live_app.test_client()
    fi = client.get("/fi/components/prod-oidc/").get_data(as_text=True)
    sv = client.get("/sv/components/prod-oidc/").get_data(as_text=True)
    with live_app.test_request_context("/fi/"):
        clock_fi = format_clock(first_failure, "fi")
        clock_sv = format_clock(first_failure, "sv")
    assert f"Ylläpito: toiminta heikentynyt. Tarkistukset: ei toimi {clock_fi} alkaen." in fi
    assert f"Driften: försämrad funktion. Kontrollerna: fungerar inte sedan {clock_sv}." in sv
    # Each check with its newest result, in the reader's language.
    assert "OpenID Connect -asetukset (tuotanto)" in fi and "palvelinvirhe" in fi.lower()
    assert "OpenID Connect-konfigurationen (produktion)" in sv
    summary = client.get("/api/v2/summary.json").get_json()
    oidc = next(c for c in summary["components"] if c["id"] == "prod-oidc")
    assert (oidc["mpass_state"], oidc["mpass_source"], oidc["mpass_checks_state"]) == ("degraded", "staff", "down")


def _today():
    now = datetime.now(UTC)
    return now - timedelta(hours=1), now + timedelta(minutes=1)


def test_the_status_api_gives_the_time_the_page_states(live_app):
    rounds(live_app, 1)
    client = live_app.test_client()
    page = client.get("/fi/").get_data(as_text=True)
    stated = re.search(r'Päivitetty <time datetime="([^"]+)"', page).group(1)
    updated = client.get("/api/v2/status.json").get_json()["page"]["updated_at"]
    # Not the newest notice's time (2019 here): the same minute the page says it was updated.
    assert datetime.fromisoformat(updated).replace(second=0, microsecond=0) == datetime.fromisoformat(stated)
