"""The shipped notices say nothing the record does not: no invented clock times, dates or versions."""

import re

import pytest

from ..helpers import ROOT, VALID, errors_of, write

SHIPPED = ROOT / "notices"


@pytest.fixture
def shipped(make_site):
    return make_site(SHIPPED).test_client()


def main_text(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<main")[1].split("</main>")[0]).split())


def test_the_wilma_failure_of_2020_shows_dates_only_and_no_duration(shipped):
    fi = main_text(shipped, "/fi/notices/2020-10-26-wilma-kirjautumishairio/")
    sv = main_text(shipped, "/sv/notices/2020-10-26-wilma-kirjautumishairio/")
    assert "Aika 26.10.2020 – 27.10.2020" in fi and "Tid 26.10.2020 – 27.10.2020" in sv
    assert "aamulla 26.10.2020" in fi and "På morgonen den 26.10.2020" in sv
    for text in (fi, sv):
        assert not re.search(r"\b(klo|kl\.) \d", text), "the record gives no clock time"
        assert "Kesto" not in text and "Längd" not in text


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


def test_corrections_of_the_record_are_said_in_the_front_matter():
    for name in (
        "2021-11-05-tietomalli-1-2-koulutuksen-jarjestajat.md",
        "2021-11-05-tietomalli-1-2-palveluntarjoajat.md",
    ):
        front = (SHIPPED / name).read_text(encoding="utf-8").split("\n---\n")[0]
        assert "# Corrected from the record:" in front and "4.1.2021" in front


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
