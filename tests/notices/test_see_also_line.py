"""The check names a see_also problem at the line that holds it, in the staff's language."""

from ..helpers import VALID, notices_folder, write

FLOW = VALID.replace("updates:", "see_also: [2024-02-01-muu, 2024-02-01-ei-ole]\nupdates:")
BLOCK = VALID.replace("updates:", "see_also:\n  - 2024-02-01-muu\n  - 2024-02-01-ei-ole\nupdates:")
OTHER = VALID.replace("fi: Häiriö\n", "fi: Toinen häiriö\n")


def check(make_site, text, *args):
    app = make_site(None)
    folder = notices_folder(app)
    write(folder, OTHER, "2024-02-01-muu.md")
    write(folder, text, "2024-02-01-hairio.md")
    result = app.test_cli_runner().invoke(args=["notices", "check", *args])
    assert result.exit_code == 1, result.output
    return result.stdout.splitlines()


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_an_unknown_see_also_is_told_at_its_line_in_a_flow_list(make_site):
    lines = check(make_site, FLOW, "--lang", "en")
    at = line_of(FLOW, "see_also:")
    assert at > 1
    assert lines == [
        f"notices/2024-02-01-hairio.md:{at}: see_also names 2024-02-01-ei-ole, which is not a notice of this folder;"
        " write a file name without .md (see notices/README.md#check-fields)"
    ]


def test_an_unknown_see_also_is_told_at_its_own_item_of_a_block_list_in_finnish(make_site):
    lines = check(make_site, BLOCK)
    at = line_of(BLOCK, "- 2024-02-01-ei-ole")
    assert len(lines) == 1 and lines[0].startswith(f"notices/2024-02-01-hairio.md:{at}: see_also ")
    assert "viittaa tiedotteeseen 2024-02-01-ei-ole, jota ei ole tässä kansiossa" in lines[0]
