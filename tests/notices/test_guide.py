"""The editor's guide: its browser path works end to end, and its table explains every message the check gives."""

import re
import shutil

from mpass_status.notices.messages import GUIDE, MESSAGES, guide_link, translate

from ..helpers import ROOT, build_site, git
from .test_sync import commit_all

GUIDE_TEXT = (ROOT / GUIDE).read_text(encoding="utf-8")


def test_the_guides_table_gives_every_message_in_finnish_and_swedish_as_the_check_words_it():
    for key, (text, topic) in MESSAGES.items():
        if key == "did_you_mean":
            continue  # said after another message, as the table's introduction tells
        finnish, swedish = (re.sub(r"%\(\w+\)s", "…", translate(text, lang)) for lang in ("fi", "sv"))
        assert finnish != text and swedish != text, key  # translated in the catalogs
        assert f"| `{finnish}` | `{swedish}` |" in GUIDE_TEXT, key
        assert f'<a id="{guide_link(topic).split("#")[1]}"></a>' in GUIDE_TEXT, topic
    assert "*tarkoititko\nproduction?*" in GUIDE_TEXT and "*menade du\nproduction?*" in GUIDE_TEXT


def test_the_guide_starts_from_the_browser_in_both_languages():
    finnish, swedish = GUIDE_TEXT.split("\n# På svenska\n")
    for part, first, second in (
        (finnish, "## Julkaiseminen selaimessa", "## Julkaiseminen komentoriviltä"),
        (swedish, "### Publicera i webbläsaren", "### Publicera från kommandoraden"),
    ):
        assert part.index(first) < part.index(second)
    # The Swedish part stands on its own: its own example, components and no references up to the Finnish part.
    assert "2019-11-20-tunnistushairio" in swedish.split("### Ett fullständigt exempel")[1]
    assert "| `opinsys` |" in swedish and "[Tiedoston rakenne]" not in swedish and "ovan." not in swedish


def test_the_guides_full_example_is_the_shipped_notice_as_it_stands():
    shipped = (ROOT / "notices" / "2019-11-20-tunnistushairio.md").read_text(encoding="utf-8")
    for heading in ("## Kokonainen esimerkki", "### Ett fullständigt exempel"):
        block = GUIDE_TEXT.split(heading)[1].split("```\n", 1)[1].split("```\n", 1)[0]
        assert block == shipped, heading


def fill(template: str, fields: dict[str, str]) -> str:
    """Fills the template's fields as an editor would: each value after its field's name, the first one found."""
    text = template
    for name, value in fields.items():
        line = rf"^([ \t]*(?:- )?){re.escape(name)}:[^\n]*$"
        text, count = re.subn(line, rf"\g<1>{name}: {value}", text, count=1, flags=re.M)
        assert count == 1, name
    return text


def test_following_the_guide_publishes_a_notice_in_both_languages(tmp_path):
    # A notices repository as the forge holds it, with the template beside the notices.
    repo = tmp_path / "repo"
    (repo / "notices").mkdir(parents=True)
    shutil.copy(ROOT / "notices" / "_template.md", repo / "notices")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    commit_all(repo, "Template")
    # Step 1: a new file from the template; step 2: its fields filled in, the texts in both languages.
    filled = fill(
        (repo / "notices" / "_template.md").read_text(encoding="utf-8"),
        {
            "id": "2026-11-24-wilma-hairio",
            "type": "incident",
            "severity": "disrupted",
            "affected": "[wilma]",
            "start": "2026-11-24 08:10",
            "time": "2026-11-24 08:10",
            "stage": "investigating",
        },
    )
    texts = [
        ("  fi:\n  sv:\n", "  fi: Wilma-kirjautuminen ei toimi\n  sv: Inloggningen med Wilma fungerar inte\n"),
        ("  fi:\n  sv:\n", "  fi: Wilma-tunnuksilla ei voi kirjautua.\n  sv: Det går inte att logga in med Wilma.\n"),
        ("    fi:\n    sv:\n", "    fi: Selvitämme vikaa.\n    sv: Vi utreder felet.\n"),
    ]
    for empty, written in texts:
        assert empty in filled
        filled = filled.replace(empty, written, 1)
    (repo / "notices" / "2026-11-24-wilma-hairio.md").write_text(filled, encoding="utf-8")
    # Steps 3 to 5: proposed, checked and merged: the commit on main.
    commit_all(repo, "Wilma-häiriö 24.11.2026")
    site = build_site(tmp_path / "site", None, NOTICES_REMOTE=str(repo), NOTICES_MIRROR=str(tmp_path / "mirror.git"))
    check = site.test_cli_runner().invoke(args=["notices", "check"])
    assert check.exit_code == 0 and check.stdout == "", check.output  # the live folder as synced: empty yet
    result = site.test_cli_runner().invoke(args=["notices", "sync"])
    assert result.exit_code == 0 and "2026-11-24-wilma-hairio.md julkaistiin" in result.output, result.output
    assert "jäi julkaisematta" not in result.output
    client = site.test_client()
    finnish = client.get("/fi/notices/2026-11-24-wilma-hairio/").get_data(as_text=True)
    swedish = client.get("/sv/notices/2026-11-24-wilma-hairio/").get_data(as_text=True)
    assert "Wilma-kirjautuminen ei toimi" in finnish and "Selvitämme vikaa." in finnish
    assert "Inloggningen med Wilma fungerar inte" in swedish and "Vi utreder felet." in swedish
    assert "Wilma-kirjautuminen ei toimi" in client.get("/fi/").get_data(as_text=True)
