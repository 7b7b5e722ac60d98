"""A symbolic link in the notices folder is never published: it could show any file the server can read."""

import shutil

from ..helpers import FIXTURE_NOTICES, build_site

OUTSIDE = "2019-11-20-tunnistushairio.md"


def test_a_link_to_a_valid_notice_outside_the_folder_is_not_published_and_is_named(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(FIXTURE_NOTICES / OUTSIDE, outside / "2026-03-05-linked.md")
    site = build_site(tmp_path / "site")
    (tmp_path / "site" / "notices" / "2026-03-05-linked.md").symlink_to(outside / "2026-03-05-linked.md")
    client = site.test_client()
    assert client.get("/fi/notices/2026-03-05-linked/").status_code == 404
    archive = client.get("/fi/notices/").get_data(as_text=True)
    assert "2026-03-05-linked" not in archive
    # The notices that are files of the folder are still served, and the link is named where staff look.
    assert client.get("/fi/notices/2019-11-20-tunnistushairio/").status_code == 200
    check = site.test_cli_runner().invoke(args=["notices", "check"])
    assert check.exit_code != 0
    assert "2026-03-05-linked.md:1" in check.output and "tiedosto on symbolinen linkki" in check.output
