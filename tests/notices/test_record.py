"""The shipped notices say nothing the record does not: no invented clock times, dates or versions."""

import re

import feedparser
import pytest

from ..helpers import ROOT, VALID, errors_of, notices_folder, write

SHIPPED = ROOT / "notices"


@pytest.fixture
def shipped(make_site):
    return make_site(SHIPPED).test_client()


def main_text(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<main")[1].split("</main>")[0]).split())


def notice_json(client, slug: str) -> dict:
    """Returns the status API's incident of a notice."""
    incidents = client.get("/api/v2/incidents.json").get_json()["incidents"]
    return next(i for i in incidents if i["id"] == slug or slug in i.get("shortlink", ""))


def test_the_outage_of_2019_states_the_records_times_and_no_publication_time(shipped):
    fi = main_text(shipped, "/fi/notices/2019-11-20-tunnistushairio/")
    sv = main_text(shipped, "/sv/notices/2019-11-20-tunnistushairio/")
    # 7.50 and 9.12 are the record's; when the first notice went out it does not say.
    assert "Aika 20.11.2019 klo 7.50 – 9.12" in fi and "Tid 20.11.2019 kl. 7.50 – 9.12" in sv
    assert re.search(r"Julkaistu 20\.11\.2019 MPASSid", fi) and re.search(r"Publicerad 20\.11\.2019 Den", sv)
    assert "Selvitetään · 20.11.2019 MPASSid" in fi and "Utreds · 20.11.2019 En" in sv
    assert "esti käyttäjätietojen välittämisen palveluille" in fi and "ohi klo 9.12" in fi
    # Sentences the record does not have.
    for invented in ("ei päässyt kirjautumaan", "välittyvät taas", "tuotantoympäristöä", "puolitoista tuntia"):
        assert invented not in fi, invented
    for invented in ("gick därför inte att logga in", "förmedlas åter", "produktionsmiljö", "en och en halv timme"):
        assert invented not in sv, invented


def test_the_wilma_failure_of_2020_shows_its_morning_and_the_day_it_was_over_by_and_no_clock_time(shipped):
    fi = main_text(shipped, "/fi/notices/2020-10-26-wilma-kirjautumishairio/")
    sv = main_text(shipped, "/sv/notices/2020-10-26-wilma-kirjautumishairio/")
    assert "Aika 26.10.2020 aamusta ; ohi viimeistään 27.10.2020" in fi
    assert "Tid från morgonen 26.10.2020 ; över senast 27.10.2020" in sv
    assert "aamulla 26.10.2020" in fi and "På morgonen den 26.10.2020" in sv and "Visma" in fi + sv
    for text in (fi, sv):
        assert not re.search(r"\b(klo|kl\.) \d", text), "the record gives no clock time"
        assert "Kesto" not in text and "Längd" not in text and "Varaktighet" not in text
    for invented in ("Opetushallitus", "Utbildningsstyrelsen", "koulunsa Wilma-tunnuksilla", "skolans Wilma"):
        assert invented not in fi + sv, invented
    html = shipped.get("/fi/notices/2020-10-26-wilma-kirjautumishairio/").get_data(as_text=True)
    assert '<time datetime="2020-10-26">26.10.2020 aamusta</time>' in html
    # The feeds say no clock time either.
    for feed in ("/fi/feed.atom", "/sv/feed.rss"):
        entries = [e for e in feedparser.parse(shipped.get(feed).data).entries if "wilma" in e.link]
        assert entries and all(not re.search(r"(klo|kl\.) \d", e.summary) for e in entries), feed


RECORD_NOTICES = [
    "2021-09-01-testiymparisto-tietomalli-1-2",
    "2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat",
    "2021-11-05-tietomalli-1-2-palveluntarjoajat",
]


@pytest.mark.parametrize("slug", RECORD_NOTICES)
def test_every_notice_of_data_model_1_2_tells_it_was_withdrawn_on_1_8_2022(shipped, slug):
    fi, sv = (main_text(shipped, f"/{lang}/notices/{slug}/") for lang in ("fi", "sv"))
    assert "Tietomalli 1.2 poistui käytöstä 1.8.2022." in fi and "Datamodell 1.2 togs ur bruk 1.8.2022." in sv
    # In the lists too, where readers meet the title.
    archive = main_text(shipped, "/fi/archive/")
    assert archive.count("Tietomalli 1.2 poistui käytöstä 1.8.2022.") == 3


@pytest.mark.parametrize(
    ("slug", "fi", "sv"),
    [
        (
            "2021-09-01-testiymparisto-tietomalli-1-2",
            "Toimituksen huomautus: Alkuperäinen tiedote julkaistiin vain suomeksi",
            "Redaktionell anmärkning: Det ursprungliga meddelandet publicerades bara på finska",
        ),
        (
            "2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat",
            "Toimituksen huomautus: Alkuperäisen tiedotteen yhdessä kohdassa luki, että muutokset tulevat voimaan"
            " 4.1.2021; korjasimme sen muotoon 4.1.2022",
            "Redaktionell anmärkning: På ett ställe i det ursprungliga meddelandets finska text",
        ),
        (
            "2021-11-05-tietomalli-1-2-palveluntarjoajat",
            "Toimituksen huomautus: Korjasimme alkuperäisestä tiedotteesta rooliattribuutin esimerkin",
            "Redaktionell anmärkning: Vi har rättat organisations-OID:n",
        ),
    ],
)
def test_a_corrected_or_later_translated_notice_says_so_in_an_editors_note(shipped, slug, fi, sv):
    assert fi in main_text(shipped, f"/fi/notices/{slug}/")
    assert sv in main_text(shipped, f"/sv/notices/{slug}/")


def test_the_editors_additions_are_gone_from_the_data_model_notices():
    texts = {path.stem: path.read_text(encoding="utf-8") for path in SHIPPED.glob("2021-*.md")}
    assert all("Entra ID" not in text for text in texts.values())
    assert "Lisätietoja saa osoitteesta" not in texts["2021-11-05-tietomalli-1-2-palveluntarjoajat"]
    # role_v1.1 and its transition to 31.12.2022 are the test environment notice's, not this one's.
    assert "role_v1.1" not in texts["2021-11-05-tietomalli-1-2-palveluntarjoajat"]
    assert "Kysymyksiin vastataan" not in texts["2021-09-01-testiymparisto-tietomalli-1-2"]


def test_the_two_notices_of_5_11_2021_link_each_other(shipped):
    pairs = [
        ("2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat", "2021-11-05-tietomalli-1-2-palveluntarjoajat"),
        ("2021-11-05-tietomalli-1-2-palveluntarjoajat", "2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat"),
    ]
    for lang in ("fi", "sv"):
        for slug, other in pairs:
            html = shipped.get(f"/{lang}/notices/{slug}/").get_data(as_text=True)
            related = html.split('id="related-heading"')[1].split("</section>")[0]
            assert f'href="/{lang}/notices/{other}/"' in related, (lang, slug)


def test_a_link_to_a_notice_that_is_not_there_is_named_by_the_check(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    text = (SHIPPED / "2021-11-05-tietomalli-1-2-palveluntarjoajat.md").read_text(encoding="utf-8")
    (folder / "2021-11-05-tietomalli-1-2-palveluntarjoajat.md").write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["notices", "check", "--lang", "en"])
    assert result.exit_code == 1
    # Told at the line of see_also, not the file's first.
    at = next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("see_also:"))
    assert result.stdout.splitlines()[1].startswith(
        f"notices/2021-11-05-tietomalli-1-2-palveluntarjoajat.md:{at}: see_also names"
        " 2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat, which is not a notice of this folder"
    )
    # The page links only what is there.
    html = app.test_client().get("/fi/notices/2021-11-05-tietomalli-1-2-palveluntarjoajat/").get_data(as_text=True)
    assert "related-heading" not in html


@pytest.mark.parametrize(
    "slug", ["2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat", "2021-11-05-tietomalli-1-2-palveluntarjoajat"]
)
def test_data_model_notices_are_dated_only_as_the_record_allows(shipped, slug):
    assert "Julkaistu viimeistään 5.11.2021" in main_text(shipped, f"/fi/notices/{slug}/")
    assert "Publicerad senast 5.11.2021" in main_text(shipped, f"/sv/notices/{slug}/")
    assert not list(SHIPPED.glob("2021-10-25-*")), "25.10.2021 is not in the record"


@pytest.mark.parametrize(
    "slug", ["2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat", "2021-11-05-tietomalli-1-2-palveluntarjoajat"]
)
def test_oppijanumero_is_for_the_staff_of_education_providers(shipped, slug):
    assert "koulutuksen järjestäjien henkilöstön osalta käyttämään oppijanumeroa" in main_text(
        shipped, f"/fi/notices/{slug}/"
    )
    assert "För utbildningsanordnarnas personal kommer MPASSid att börja använda studentnumret" in main_text(
        shipped, f"/sv/notices/{slug}/"
    )


def test_the_about_page_claims_no_data_model_version(shipped):
    for lang in ("fi", "sv"):
        text = main_text(shipped, f"/{lang}/about/")
        assert "1.2" not in text
    assert 'href="https://github.com/mpassid"' in shipped.get("/fi/about/").get_data(as_text=True)


CHANGE = """\
---
type: change
affected: [production]
start: 2022-01-04
published_by: {published_by}
title:
  fi: Muutos
  sv: Ändring
summary:
  fi: Lyhyesti.
  sv: Kort.
---
"""


@pytest.mark.parametrize(
    "published_by, name, fragment",
    [
        ("2021-11-05 09:00", "2021-11-05-muutos.md", "published_by is a day without a clock time"),
        ("2021-11-05", "2021-11-04-muutos.md", "the file name must carry the published_by date 2021-11-05"),
    ],
)
def test_published_by_is_a_date_the_file_name_carries(notices_dir, published_by, name, fragment):
    notice, errors, _ = errors_of(write(notices_dir, CHANGE.format(published_by=published_by), name=name))
    assert notice is None and (5, fragment) in [(line, message[: len(fragment)]) for line, message in errors]


def test_published_by_does_not_go_with_updates(notices_dir):
    text = VALID.replace("type: incident\n", "type: incident\npublished_by: 2024-02-01\n")
    notice, errors, _ = errors_of(write(notices_dir, text))
    assert notice is None and any("dated by its first update" in message for _, message in errors)


# Facts of the record (the seed's dates, times, names and values) each notice must state, in both languages.
RECORD_FACTS = {
    "2019-11-20-tunnistushairio": ["2019-11-20 07:50", "2019-11-20 09:12", "7.50", "9.12"],
    "2020-10-26-wilma-kirjautumishairio": ["2020-10-26 morning", "end_by: 2020-10-27", "Visma", "26.10.2020"],
    "2021-09-01-testiymparisto-tietomalli-1-2": [
        "urn:mpass.id:municipalityCode",
        "urn:mpass.id:municipality",
        "urn:mpass.id:role_v1.1",
        "1.2.246.562.10.494695390410;32132;9A;Oppilas",
        "Helsinki;32132;9A;Oppilas",
        "31.12.2022",
        "4.1.2022",
        "1.8.2022",
        "mpass@oph.fi",
    ],
    "2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat": ["4.1.2022", "1.1.2022", "5.11.2021", "mpass@oph.fi"],
    "2021-11-05-tietomalli-1-2-palveluntarjoajat": [
        "urn:mpass.id:schoolInfo",
        "urn:mpass.id:educationProviderInfo",
        "00000;",
        "1.2.246.562.10.494695390410;32132;9A;Oppilas",
        "4.1.2022",
        "1.1.2022",
    ],
}


@pytest.mark.parametrize("slug", sorted(RECORD_FACTS))
def test_each_notice_states_the_records_facts_in_both_languages(slug):
    text = (SHIPPED / f"{slug}.md").read_text(encoding="utf-8")
    front, _, body = text[4:].partition("\n---\n")
    fi = "\n".join(line for line in front.splitlines() if not line.lstrip().startswith("sv:"))
    fi += body.split("<!-- sv -->")[0]
    sv = "\n".join(line for line in front.splitlines() if not line.lstrip().startswith("fi:"))
    sv += body.split("<!-- sv -->")[-1]
    for fact in RECORD_FACTS[slug]:
        assert fact in fi and fact in sv, fact
