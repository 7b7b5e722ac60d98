"""`flask notices check` points at each mistake; `flask notices new` starts a valid file."""

import shutil

from ..helpers import FIXTURE_NOTICES, ROOT, notices_folder


def test_shipped_notices_are_valid(make_site):
    result = make_site(ROOT / "notices").test_cli_runner().invoke(args=["notices", "check"])
    assert result.exit_code == 0, result.output
    assert "0 virhettä, 0 varoitusta" in result.stderr


def test_check_reports_path_and_line_and_fails(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    broken = (
        (FIXTURE_NOTICES / "2019-11-20-tunnistushairio.md")
        .read_text()
        .replace("affected: [production]", "affected: [prod]")
    )
    shutil.copy(FIXTURE_NOTICES / "2019-11-20-tunnistushairio.md", folder)
    (folder / "2019-11-21-rikki.md").write_text(broken.replace("2019-11-20", "2019-11-21"))
    (folder / "2019-11-22-luonnos.txt").write_text("draft")
    runner = app.test_cli_runner()
    # Finnish unless asked otherwise: the staff's language.
    result = runner.invoke(args=["notices", "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("notices/2019-11-21-rikki.md:4: tuntematon osa prod; osat ovat: adfs, entra-id, ")
    # Each message says where the guide tells how to fix it.
    assert lines[0].endswith(" (ohje: notices/README.md#check-fields)")
    assert lines[1] == (
        "notices/2019-11-22-luonnos.txt:1: varoitus: ei tiedote: tiedotteen tiedostonimi päättyy .md,"
        " esim. 2024-03-05-huoltokatko.md (ohje: notices/README.md#check-file)"
    )
    assert result.stderr == "1 tiedotetta kunnossa, 1 virhettä, 1 varoitusta\n"
    swedish = runner.invoke(args=["notices", "check", "--lang", "sv"])
    assert swedish.exit_code == 1
    lines = swedish.stdout.splitlines()
    assert lines[0].startswith("notices/2019-11-21-rikki.md:4: okänd del prod; delarna är: adfs, entra-id, ")
    assert lines[0].endswith(" (se notices/README.md#check-fields)")
    assert lines[1].startswith("notices/2019-11-22-luonnos.txt:1: varning: inget meddelande: ")
    assert swedish.stderr == "1 meddelanden i ordning, 1 fel, 1 varningar\n"
    english = runner.invoke(args=["notices", "check", "--lang", "en"])
    assert english.stdout.startswith("notices/2019-11-21-rikki.md:4: unknown component prod; the components are: ")
    assert english.stderr == "1 notices valid, 1 errors, 1 warnings\n"


def test_new_writes_a_template_that_validates_once_filled(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    shutil.copy(ROOT / "notices/_template.md", folder)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notices", "new", "wilma-hairio"])
    assert result.exit_code == 0, result.output
    written = list(folder.glob("*-wilma-hairio.md"))
    assert len(written) == 1
    # It ends with the command staff run from the repository's root (the Makefile's check target).
    assert result.output.strip().endswith("then run: make check (or .venv/bin/flask notices check)")
    assert "$(FLASK) notices check" in (ROOT / "Makefile").read_text().split("\ncheck:")[1].split("\n\n")[0]
    text = written[0].read_text()
    assert f"id: {written[0].stem}" in text and "type: incident" in text
    again = runner.invoke(args=["notices", "new", "wilma-hairio"])
    assert again.exit_code != 0 and "exists already" in again.output
    bad = runner.invoke(args=["notices", "new", "Wilma Häiriö"])
    assert bad.exit_code != 0 and "lowercase letters" in bad.output


def test_did_you_mean_reaches_the_staff_in_their_language(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    text = (FIXTURE_NOTICES / "2019-11-20-tunnistushairio.md").read_text().replace("[production]", "[tuotanto]")
    (folder / "2019-11-20-tunnistushairio.md").write_text(text)
    runner = app.test_cli_runner()
    assert "; tarkoititko production? (ohje:" in runner.invoke(args=["notices", "check"]).stdout
    assert "; menade du production? (se " in runner.invoke(args=["notices", "check", "--lang", "sv"]).stdout
