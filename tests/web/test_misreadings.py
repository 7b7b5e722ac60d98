"""What a teacher on a phone must not misread, in both languages."""

import re
from datetime import UTC, datetime, timedelta

from mpass_status import runtime
from mpass_status.checks.runner import run_round

from ..helpers import notices_folder, write_incident


def text_of(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return html


def test_a_same_day_range_is_written_as_the_languages_write_it(client):
    fi = text_of(client, "/fi/notices/2019-11-20-tunnistushairio/")
    sv = text_of(client, "/sv/notices/2019-11-20-tunnistushairio/")
    assert re.search(r">20\.11\.2019 klo 7\.50</time>–<time [^>]+>9\.12</time>", fi)
    assert re.search(r">20\.11\.2019 kl\. 7\.50</time>–<time [^>]+>9\.12</time>", sv)


def test_impact_names_the_state_of_the_affected_parts_not_of_the_whole_service(client):
    fi = text_of(client, "/fi/notices/2019-11-20-tunnistushairio/")
    sv = text_of(client, "/sv/notices/2019-11-20-tunnistushairio/")
    assert "Palvelu ei toimi" not in fi and "Tjänsten fungerar inte" not in sv
    assert re.search(r"<dt>Vaikutus</dt>\s*<dd>.*?Ei toimi", fi, re.S)
    assert re.search(r"<dt>Inverkan</dt>\s*<dd>.*?Fungerar inte", sv, re.S)


def test_a_not_found_page_speaks_the_language_of_its_address(client):
    sv = client.get("/sv/ingen-sida/", headers={"Accept-Language": "fi"})
    fi = client.get("/fi/ei-sivua/", headers={"Accept-Language": "sv"})
    assert sv.status_code == fi.status_code == 404
    assert "Sidan hittades inte" in sv.get_data(as_text=True) and '<html lang="sv"' in sv.get_data(as_text=True)
    assert "Sivua ei löytynyt" in fi.get_data(as_text=True)


def test_under_a_troubled_headline_readers_are_sent_to_their_schools_it_support_first(client):
    # The fixture notices hold an ongoing Wilma incident.
    assert "ota ensin yhteyttä koulusi IT-tukeen" in text_of(client, "/fi/")
    assert "kontakta först skolans IT-stöd" in text_of(client, "/sv/")


def test_maintenance_of_the_test_environment_only_says_logins_to_services_work(make_site):
    app = make_site(None)
    now = datetime.now(UTC)
    write_incident(
        notices_folder(app), "2026-11-24-testihuolto", "maintenance", "down", "test", now - timedelta(minutes=30)
    )
    client = app.test_client()
    assert "Testiympäristössä on käynnissä huoltokatko. Kirjautuminen palveluihin toimii normaalisti." in text_of(
        client, "/fi/"
    )
    assert "Ett underhållsavbrott pågår i testmiljön. Inloggningen till tjänsterna fungerar normalt." in text_of(
        client, "/sv/"
    )


def test_a_login_method_row_says_what_its_check_cannot_see(standin_site):
    run_round(runtime.config(standin_site), runtime.results(standin_site))
    client = standin_site.test_client()
    fi = text_of(client, "/fi/")
    row = next(r for r in re.findall(r"<li>\s*<a class=\"component-name\".*?</li>", fi, re.S) if ">Wilma<" in r)
    assert "Tarkistus näkee vain, että MPASSid tarjoaa tätä kirjautumistapaa" in row
    oidc = next(r for r in re.findall(r"<li>\s*<a class=\"component-name\".*?</li>", fi, re.S) if "OpenID" in r)
    assert "tarjoaa tätä kirjautumistapaa" not in oidc
    assert "Kontrollen kan inte logga in" in text_of(client, "/sv/components/wilma/")
