"""`flask notices check` points at each mistake; `flask notices new` starts a valid file."""

import shutil

from ..helpers import FIXTURE_NOTICES, ROOT, notices_folder


def test_shipped_notices_are_valid(make_site):
    result = make_site(ROOT / "notices").test_cli_runner().invoke(args=["notices", "check"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.stderr


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
    result = app.test_cli_runner().invoke(args=["notices", "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("notices/2019-11-21-rikki.md:4: unknown component prod; the components are: ")
    # Each message says where the guide tells how to fix it.
    assert lines[0].endswith(" (see notices/README.md#check-fields)")
    assert lines[1] == (
        "notices/2019-11-22-luonnos.txt:1: warning: not a notice: a notice file ends in .md"
        " (see notices/README.md#check-file)"
    )
    assert "1 notices valid, 1 errors, 1 warnings" in result.stderr


def test_new_writes_a_template_that_validates_once_filled(make_site):
    app = make_site(None)
    folder = notices_folder(app)
    shutil.copy(ROOT / "notices/_template.md", folder)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notices", "new", "wilma-hairio"])
    assert result.exit_code == 0, result.output
    written = list(folder.glob("*-wilma-hairio.md"))
    assert len(written) == 1
    text = written[0].read_text()
    assert f"id: {written[0].stem}" in text and "type: incident" in text
    again = runner.invoke(args=["notices", "new", "wilma-hairio"])
    assert again.exit_code != 0 and "exists already" in again.output
    bad = runner.invoke(args=["notices", "new", "Wilma Häiriö"])
    assert bad.exit_code != 0 and "lowercase letters" in bad.output
