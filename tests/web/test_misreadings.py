"""What a teacher on a phone must not misread, in both languages."""

import re
from datetime import UTC, datetime, timedelta

from mpass_status import runtime
from mpass_status.checks.runner import run_round

from ..helpers import ROOT, notices_folder, write_incident


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
    assert re.search(r"<dt>Påverkan</dt>\s*<dd>.*?Fungerar inte", sv, re.S)


def test_a_not_found_page_speaks_the_language_of_its_address(client):
    sv = client.get("/sv/ingen-sida/", headers={"Accept-Language": "fi"})
    fi = client.get("/fi/ei-sivua/", headers={"Accept-Language": "sv"})
    assert sv.status_code == fi.status_code == 404
    assert "Sidan hittades inte" in sv.get_data(as_text=True) and '<html lang="sv"' in sv.get_data(as_text=True)
    assert "Sivua ei löytynyt" in fi.get_data(as_text=True)


def test_a_fault_staff_know_of_sends_no_reader_to_their_schools_it_support(client):
    # The fixture notices hold an ongoing Wilma incident: every school's IT support would get the calls.
    fi, sv = text_of(client, "/fi/"), text_of(client, "/sv/")
    assert "ota ensin yhteyttä koulusi IT-tukeen" not in fi and "kontakta först skolans IT-stöd" not in sv
    assert "Ylläpito tietää viasta, joten kouluista ei tarvitse ilmoittaa siitä." in fi
    assert "Driften känner till felet, så skolorna behöver inte anmäla det." in sv


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


def test_the_year_filter_files_a_notice_by_the_date_a_reader_sees_and_titles_the_page(make_site):
    client = make_site(ROOT / "notices").test_client()
    year_2022 = client.get("/fi/archive/year/2022/").get_data(as_text=True)
    # Published no later than 5.11.2021, in effect from 4.1.2022: a reader sees 2022 on it.
    assert "Tietomalli 1.2 käyttöön 4.1.2022 – tiedote palveluntarjoajille" in year_2022
    # The label says what the rule does: the year of the event, not of publication.
    assert "<title>Vuoden 2022 tapahtumat" in year_2022 and "<h1>Vuoden 2022 tapahtumat</h1>" in year_2022
    assert "jona häiriö tai huoltokatko alkoi tai muutos tuli voimaan" in year_2022
    assert "Tapahtumavuoden mukaan" in year_2022
    assert "tiedote palveluntarjoajille" not in client.get("/fi/archive/year/2021/").get_data(as_text=True)
    assert "<h1>Häiriöt</h1>" in client.get("/fi/archive/type/incident/").get_data(as_text=True)
    assert "<h1>Störningar</h1>" in client.get("/sv/archive/type/incident/").get_data(as_text=True)
    assert "<h1>Händelser år 2022</h1>" in client.get("/sv/archive/year/2022/").get_data(as_text=True)


def test_the_about_page_links_the_documentation_at_the_address_the_service_card_gives(client):
    # The service card gives the technical documentation's address (github.com/mpassid) and no address of the
    # data model page: the sentence names what the link is, and no address outside the record is linked.
    for lang, words in (("fi", "teknisessä dokumentaatiossa:"), ("sv", "tekniska dokumentation:")):
        html = text_of(client, f"/{lang}/about/")
        sentence = html.split(words, 1)[1].split("</p>", 1)[0]
        assert 'href="https://github.com/mpassid"' in sentence, sentence
        assert "tietomallin dokumentaatio" not in html and "dokumentationen för datamodellen" not in html
        assert "eduuni" not in html.lower() and html.count('href="https://github.com/mpassid"') == 1


def test_a_time_range_does_not_break_before_its_dash(make_site):
    app = make_site(None)
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    write_incident(
        notices_folder(app), "2026-12-05-yohuolto", "maintenance", "down", "test", start, start + timedelta(days=1)
    )
    for lang in ("fi", "sv"):
        html = text_of(app.test_client(), f"/{lang}/notices/2026-12-05-yohuolto/")
        # A range over two days: a no-break space before the dash, so a phone never starts a line with "– 12.00";
        # each date and time stays whole (time { white-space: nowrap } in site.css).
        assert re.search(r"</time>&nbsp;– <time ", html), html
        assert "</time> – <time" not in html
