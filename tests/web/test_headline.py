"""The front page's first lines answer what fails, since when and whose fault, from real probe rounds, fi and sv."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.standin.broker import StandinBroker
from mpass_status.standin.config import write_standin_config
from mpass_status.web.dates import format_clock, format_moment, same_day

from ..faults.support import refuse
from ..helpers import CHECK_TIMEOUT, FIXTURE_NOTICES, notices_folder, wait_for, write_incident

IT_SUPPORT = {"fi": "ota ensin yhteyttä koulusi IT-tukeen", "sv": "kontakta först skolans IT-stöd"}
FAULT_IN_MPASSID = {
    "fi": "Vika on MPASSid:ssä eikä koulujen omissa järjestelmissä, joten kouluista ei tarvitse ilmoittaa siitä.",
    "sv": "Felet ligger i MPASSid och inte i skolornas egna system, så skolorna behöver inte anmäla det.",
}
BROKER_TARGETS = ("discovery", "jwks", "metadata", "authnsources", "authorize")


def rounds(app, count):
    for _ in range(count):
        run_round(runtime.config(app), runtime.results(app))


def first_lines(app, lang) -> str:
    """The overall section as a reader sees it: text only, spaces collapsed."""
    html = app.test_client().get(f"/{lang}/").get_data(as_text=True)
    section = html.split('<section class="overall', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", "", section.split(">", 1)[1]).split())


def first_failure(app, component) -> datetime:
    now = datetime.now(UTC)
    found = runtime.results(app).results_between(now - timedelta(hours=1), now + timedelta(minutes=1), component)
    return min(r.time for r in found if r.outcome == "failed")


def clock(app, moment, lang) -> str:
    with app.test_request_context(f"/{lang}/"):
        return format_clock(moment, lang)


def when(app, moment, lang) -> str:
    """The headline's form of a time: the clock alone today, with the date on another day (a break begun
    at 23.03 ends "6.12.2026 klo 0.03")."""
    with app.test_request_context(f"/{lang}/"):
        return format_clock(moment, lang) if same_day(moment, datetime.now(UTC)) else format_moment(moment, lang)


def healthy_round(app) -> bool:
    """Runs a round and tells whether every check passed: a busy machine can make a healthy stand-in slow."""
    return all(r.outcome == "ok" for r in run_round(runtime.config(app), runtime.results(app)))


@pytest.fixture
def site(standin_site):
    # A healthy start, so the fault's first failure is when the fault began.
    assert wait_for(lambda: healthy_round(standin_site), timeout=60, step=0)
    return standin_site


def test_all_is_well_sends_a_reader_who_cannot_log_in_to_school_it_support(site):
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    assert fi.startswith("Kaikki MPASSid:n osat toimivat normaalisti.") and IT_SUPPORT["fi"] in fi
    assert sv.startswith("Alla delar av MPASSid fungerar normalt.") and IT_SUPPORT["sv"] in sv


def test_production_failing_with_test_answering_says_mpassid_login_fails_since_when_and_whose_fault(site, broker):
    for target in BROKER_TARGETS:
        broker.set_fault(target, "500")
    rounds(site, 3)
    began = first_failure(site, "prod-oidc")
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    assert fi.startswith(f"Kirjautuminen MPASSid:llä ei onnistu. Alkaen {when(site, began, 'fi')}.")
    assert sv.startswith(f"Det går inte att logga in med MPASSid. Sedan {when(site, began, 'sv')}.")
    for lang, text in (("fi", fi), ("sv", sv)):
        assert FAULT_IN_MPASSID[lang] in text
        assert IT_SUPPORT[lang] not in text
    assert "ylläpito ei ole vielä julkaissut siitä tiedotetta" in fi
    assert "driften har ännu inte publicerat något meddelande om det" in sv
    # The test environment still answers: the headline is about production, not "part of MPASSid".
    assert "osa MPASSid:stä" not in fi and "testiympäristö" not in fi


def test_a_production_broker_refusing_connections_is_told_the_same_way(tmp_path, make_site, test_broker, references):
    with StandinBroker() as production:
        config = write_standin_config(
            tmp_path / "refusing.toml",
            production,
            test_broker,
            timeout=CHECK_TIMEOUT,
            interval=10,
            probe={"database": str(tmp_path / "refusing.sqlite3"), "slow_ms": 1400},
            references=references,
        )
        app = make_site(None, STATUS_CONFIG=str(config))
        assert wait_for(lambda: healthy_round(app), timeout=60, step=0)
        refuse(production)
        rounds(app, 3)
    fi, sv = first_lines(app, "fi"), first_lines(app, "sv")
    assert fi.startswith("Kirjautuminen MPASSid:llä ei onnistu. Alkaen klo ") and FAULT_IN_MPASSID["fi"] in fi
    assert sv.startswith("Det går inte att logga in med MPASSid. Sedan kl. ") and FAULT_IN_MPASSID["sv"] in sv
    # When the reference addresses stop answering too, the fault may be this site's own network: unknown, and
    # so is every part whose evidence predates that finding (here: every check but the one that ran).
    for reference in references:
        reference.refuse()
    config = runtime.config(app)
    run_round(config, runtime.results(app), checks=[c for c in config.checks if c.id == "prod-oidc-discovery"])
    fi, sv = first_lines(app, "fi"), first_lines(app, "sv")
    assert fi.startswith("Tilanne ei ole tiedossa: tämä sivusto ei saa yhteyttä MPASSid:hen") and "Havaittu klo " in fi
    assert sv.startswith("Läget är okänt:") and "Upptäckt kl. " in sv
    assert FAULT_IN_MPASSID["fi"] not in fi and IT_SUPPORT["fi"] not in fi
    page = app.test_client().get("/fi/").get_data(as_text=True)
    assert "state-operational" not in page.split('id="legend-heading"')[0]
    assert "state-down" not in page.split('id="legend-heading"')[0]


def test_one_login_method_missing_is_named_and_the_others_work(site, broker):
    broker.set_fault("authnsources", "vanished_source")
    rounds(site, 3)
    began = first_failure(site, broker.vanished_source.lower())
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    name = broker.vanished_source
    assert fi.startswith(f"Kirjautuminen {name}-tunnuksilla ei onnistu; muut kirjautumistavat toimivat. Alkaen ")
    assert sv.startswith(f"Det går inte att logga in med {name}-användarkoder; övriga inloggningssätt fungerar.")
    assert when(site, began, "fi") in fi and IT_SUPPORT["fi"] not in fi


def test_one_protocol_down_names_it_and_the_other_that_works(site, broker):
    broker.set_fault("discovery", "500")
    rounds(site, 3)
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    assert fi.startswith(
        "Kirjautuminen MPASSid:llä OpenID Connect -rajapinnan kautta ei onnistu; SAML-rajapinta toimii. Alkaen klo "
    )
    assert sv.startswith(
        "Det går inte att logga in med MPASSid via OpenID Connect-gränssnittet; SAML-gränssnittet fungerar."
    )


def test_degraded_says_logins_work_with_minor_problems(site, broker):
    broker.set_fault("metadata", "expiring_cert")
    rounds(site, 1)
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    assert fi.startswith("Kirjautuminen MPASSid:llä SAML-rajapinnan kautta toimii, mutta hitaasti tai pienin")
    assert sv.startswith("Inloggningen med MPASSid via SAML-gränssnittet fungerar, men långsamt eller med mindre")
    assert FAULT_IN_MPASSID["fi"] in fi and IT_SUPPORT["sv"] not in sv


def test_the_test_environment_alone_failing_says_production_works_and_keeps_the_it_support_advice(site, test_broker):
    for target in BROKER_TARGETS:
        test_broker.set_fault(target, "500")
    rounds(site, 3)
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    assert fi.startswith(
        "Kirjautuminen MPASSid:n testiympäristön kautta ei onnistu; "
        "kirjautuminen palveluihin toimii tuotantoympäristössä normaalisti."
    )
    assert sv.startswith(
        "Det går inte att logga in via MPASSid-tjänstens testmiljö; "
        "inloggningen till tjänsterna i produktionsmiljön fungerar normalt."
    )
    assert IT_SUPPORT["fi"] in fi and IT_SUPPORT["sv"] in sv


def test_a_maintenance_break_says_when_it_began_and_ends_and_links_the_notice(site):
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=20)
    end = start + timedelta(hours=1)
    write_incident(notices_folder(site), "2026-12-05-huoltokatko", "maintenance", "down", "production", start, end)
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    assert fi.startswith(
        "Huoltokatko: kirjautuminen MPASSid:llä ei välttämättä onnistu katkon aikana."
        f" Alkaen {when(site, start, 'fi')}."
        f" Katkon on määrä päättyä {when(site, end, 'fi')}."
    )
    assert sv.startswith(
        "Underhållsavbrott: inloggningen med MPASSid fungerar kanske inte under avbrottet."
        f" Sedan {when(site, start, 'sv')}."
    )
    assert "Ylläpidon tiedote: Otsikko 2026-12-05-huoltokatko" in fi
    assert "Meddelande från driften: Rubrik 2026-12-05-huoltokatko" in sv
    html = site.test_client().get("/fi/").get_data(as_text=True).split("</section>", 1)[0]
    assert 'href="/fi/notices/2026-12-05-huoltokatko/"' in html


def test_a_staff_incident_on_one_login_method_says_staff_know_and_links_the_notice(site):
    notice = (FIXTURE_NOTICES / "2026-11-20-wilma-hairio-jatkuu.md").read_text(encoding="utf-8")
    (notices_folder(site) / "2026-11-20-wilma-hairio-jatkuu.md").write_text(notice, encoding="utf-8")
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    assert fi.startswith("Kirjautuminen Wilma-tunnuksilla epäonnistuu osalla käyttäjistä; muut kirjautumistavat")
    assert sv.startswith("Inloggningen med Wilma-användarkoder misslyckas för en del användare; övriga inloggningssätt")
    assert "Ylläpito tietää viasta, joten kouluista ei tarvitse ilmoittaa siitä." in fi
    assert "Driften känner till felet, så skolorna behöver inte anmäla det." in sv
    assert "Ylläpidon tiedote: " in fi and IT_SUPPORT["fi"] not in fi


def test_without_results_the_headline_says_unknown_and_claims_no_fault(standin_site):
    fi, sv = first_lines(standin_site, "fi"), first_lines(standin_site, "sv")
    assert fi.startswith("Tilanne ei ole tiedossa: automaattisilla tarkistuksilla ei ole tuoreita tuloksia")
    assert sv.startswith("Läget är okänt:")
    assert "Vika on" not in fi and IT_SUPPORT["fi"] not in fi and "Felet ligger" not in sv


def test_several_login_methods_are_named_as_the_languages_join_them(site):
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    write_incident(notices_folder(site), "2026-12-05-kaksi", "incident", "down", "wilma, entra-id", start)
    fi, sv = first_lines(site, "fi"), first_lines(site, "sv")
    # Finnish sets the hyphen apart after a name of several words; Swedish does not.
    assert fi.startswith(
        "Kirjautuminen Wilma- ja Microsoft Entra ID -tunnuksilla ei onnistu; muut kirjautumistavat toimivat."
    )
    assert sv.startswith(
        "Det går inte att logga in med Wilma- och Microsoft Entra ID-användarkoder; övriga inloggningssätt fungerar."
    )
    assert fi.count(f"Alkaen {when(site, start, 'fi')}.") == 1
