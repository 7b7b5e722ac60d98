"""`flask notices sync` and `POST /hooks/git` against a real local git repository as the remote."""

import hashlib
import hmac
import json
import shutil
import subprocess
import threading
import time

import pytest

from mpass_status import runtime

from ..helpers import FIXTURE_NOTICES, build_site, edit, git, wait_for

SECRET = "jaettu-salaisuus"
INCIDENT = "2019-11-20-tunnistushairio.md"
OLD_TITLE = "Häiriö MPASSid-tunnistuksessa"


def commit_all(repo, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def remote(tmp_path):
    """A notices repository with one commit of the fixture notices under notices/, on branch main."""
    repo = tmp_path / "remote"
    shutil.copytree(FIXTURE_NOTICES, repo / "notices")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    commit_all(repo, "Fixture notices")
    return repo


@pytest.fixture
def site(tmp_path, remote):
    """A site whose notices come only from the remote (its live folder starts empty)."""
    return build_site(
        tmp_path / "site",
        None,
        NOTICES_REMOTE=str(remote),
        NOTICES_MIRROR=str(tmp_path / "mirror.git"),
        HOOK_SECRET=SECRET,
        HOOK_MIN_SECONDS=0.2,
    )


def sync(site):
    return site.test_cli_runner().invoke(args=["notices", "sync", "--lang", "en"])


def readiness(site) -> dict:
    return site.test_client().get("/readyz").get_json()["notices"]


def test_a_good_revision_is_published_and_its_commit_named(site, remote):
    result = sync(site)
    assert result.exit_code == 0, result.output
    head = git(remote, "rev-parse", "HEAD")
    assert f"published {INCIDENT}" in result.output and f"live: {head[:12]}" in result.output
    client = site.test_client()
    for lang in ("fi", "sv"):
        page = client.get(f"/{lang}/notices/2019-11-20-tunnistushairio/").get_data(as_text=True)
        assert head[:12] in page and ("Tiedotteiden versio" if lang == "fi" else "Meddelandenas version") in page
    notices = readiness(site)
    assert (notices["commit"], notices["branch"], notices["held_back"], notices["count"]) == (head, "main", [], 4)
    # A second sync of the same revision writes nothing.
    again = sync(site)
    assert again.exit_code == 0 and "published" not in again.output


def test_a_broken_edit_keeps_the_last_good_version_and_is_named(site, remote):
    good = git(remote, "rev-parse", "HEAD") if sync(site).exit_code == 0 else None
    path = remote / "notices" / INCIDENT
    edit(path, OLD_TITLE, "Häiriö korjattu otsikko")
    edit(path, "severity: down\n", "")
    broken = commit_all(remote, "Edit during an outage")
    result = sync(site)
    assert result.exit_code == 0
    assert f"held back {INCIDENT} (serving its version of {good[:12]})" in result.output
    assert "severity is missing" in result.output
    page = site.test_client().get("/fi/notices/2019-11-20-tunnistushairio/")
    assert page.status_code == 200 and OLD_TITLE in page.get_data(as_text=True)
    notices = readiness(site)
    assert notices["commit"] == broken
    (held,) = notices["held_back"]
    assert (held["file"], held["serving_commit"]) == (INCIDENT, good) and held["problems"]
    # The fix is published and nothing is held back any more.
    edit(path, "type: incident\n", "type: incident\nseverity: down\n")
    commit_all(remote, "Fix the severity")
    assert sync(site).exit_code == 0
    assert "Häiriö korjattu otsikko" in site.test_client().get("/fi/notices/2019-11-20-tunnistushairio/").get_data(
        as_text=True
    )
    assert readiness(site)["held_back"] == []


def test_a_notice_never_good_stays_off_and_a_removed_one_goes(site, remote):
    assert sync(site).exit_code == 0
    (remote / "notices" / "2026-11-24-uusi.md").write_text("---\ntype: incident\n---\n", encoding="utf-8")
    (remote / "notices" / "2025-05-06-ruotsi-puuttuu.md").unlink()
    commit_all(remote, "A broken new notice, one removed")
    result = sync(site)
    assert "held back 2026-11-24-uusi.md (not published)" in result.output
    assert "removed 2025-05-06-ruotsi-puuttuu.md" in result.output
    client = site.test_client()
    assert client.get("/fi/notices/2026-11-24-uusi/").status_code == 404
    assert client.get("/fi/notices/2025-05-06-ruotsi-puuttuu/").status_code == 404
    assert [h["serving_commit"] for h in readiness(site)["held_back"]] == [None]


def test_a_remote_that_cannot_be_read_leaves_the_live_notices_as_they_were(site, remote, tmp_path):
    assert sync(site).exit_code == 0
    before = json.loads((tmp_path / "site" / "notices" / ".sync.json").read_text())
    # The same site started with a remote that is gone.
    gone = build_site(
        tmp_path / "site", None, NOTICES_REMOTE=str(tmp_path / "no-such-repo"), NOTICES_MIRROR=str(tmp_path / "m.git")
    )
    result = sync(gone)
    assert result.exit_code == 1 and "the live notices are unchanged" in result.output
    assert json.loads((tmp_path / "site" / "notices" / ".sync.json").read_text()) == before
    assert site.test_client().get("/sv/notices/2019-11-20-tunnistushairio/").status_code == 200


def signed(body: bytes, secret: str = SECRET) -> dict:
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def test_the_webhook_syncs_on_a_signed_push_and_refuses_a_wrong_signature(site, remote):
    client = site.test_client()
    assert client.get("/fi/notices/2019-11-20-tunnistushairio/").status_code == 404  # nothing synced yet
    threads = threading.active_count()
    body = json.dumps({"ref": "refs/heads/main"}).encode()
    refused = client.post("/hooks/git", data=body, headers=signed(body, "väärä"))
    assert refused.status_code == 403
    assert client.post("/hooks/git", data=body, headers={"X-Gitlab-Token": "väärä"}).status_code == 403
    assert client.post("/hooks/git", data=body).status_code == 403
    # A refused delivery wakes nothing: the site's sync thread starts with its first verified delivery.
    assert threading.active_count() == threads
    assert client.get("/fi/notices/2019-11-20-tunnistushairio/").status_code == 404
    assert client.post("/hooks/git", data=body, headers={**signed(body), "X-GitHub-Event": "ping"}).status_code == 200
    accepted = client.post("/hooks/git", data=body, headers=signed(body))
    assert accepted.status_code == 202
    assert wait_for(lambda: client.get("/fi/notices/2019-11-20-tunnistushairio/").status_code == 200)
    # GitLab's delivery carries the secret itself.
    edit(remote / "notices" / INCIDENT, OLD_TITLE, "Häiriö GitLabista")
    commit_all(remote, "Edit")
    assert client.post("/hooks/git", data=body, headers={"X-Gitlab-Token": SECRET}).status_code == 202
    assert wait_for(
        lambda: "Häiriö GitLabista" in client.get("/fi/notices/2019-11-20-tunnistushairio/").get_data(as_text=True)
    )


def test_a_burst_of_deliveries_is_one_sync_and_then_refused(site):
    client = site.test_client()
    body = b"{}"
    answers = [client.post("/hooks/git", data=body, headers=signed(body)).status_code for _ in range(70)]
    assert answers[:60] == [202] * 60 and set(answers[60:]) == {429}
    worker = runtime.state(site).hook.worker
    assert wait_for(lambda: worker.runs >= 1)
    # That nothing more happens is what is tested, so time must pass: five HOOK_MIN_SECONDS, in which a worker
    # that ran once per delivery would have run five times more.
    time.sleep(1)
    # Sixty wake-ups while the first sync ran are served by one or two runs, never sixty.
    assert worker.runs <= 2


def test_no_secret_or_no_remote_means_no_hook(tmp_path, remote):
    quiet = build_site(tmp_path / "quiet", None, NOTICES_REMOTE=str(remote))
    assert quiet.test_client().post("/hooks/git", data=b"{}", headers={"X-Gitlab-Token": ""}).status_code == 404
    assert quiet.test_client().get("/hooks/git").status_code in (404, 405)


def test_an_oversized_delivery_is_refused_unread(site):
    body = b"x" * (1024 * 1024 + 1)
    assert site.test_client().post("/hooks/git", data=body, headers=signed(body)).status_code == 413


def hostile_commit(repo, entries: dict[bytes, tuple[bytes, bytes]]) -> str:
    """Commits a notices/ tree holding entries git itself would never write (name -> (mode, blob)), on top of the
    fixture notices: a self-hosted bare repository accepts such a tree, so the sync must refuse it."""
    listing = git(repo, "ls-tree", "HEAD:notices").splitlines()
    raw = b""
    for line in listing:
        meta, name = line.split("\t", 1)
        mode, _, blob = meta.split()
        raw += mode.encode() + b" " + name.encode() + b"\0" + bytes.fromhex(blob)
    for name, (mode, blob) in entries.items():
        raw += mode + b" " + name + b"\0" + bytes.fromhex(blob.decode())
    done = subprocess.run(
        ["git", "-C", str(repo), "hash-object", "-t", "tree", "--literally", "-w", "--stdin"],
        input=raw,
        capture_output=True,
        check=True,
    )
    notices = done.stdout.decode().strip()
    top = subprocess.run(
        ["git", "-C", str(repo), "mktree", "--missing"],
        input=f"040000 tree {notices}\tnotices\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    commit = git(repo, "commit-tree", top, "-p", "HEAD", "-m", "Hostile tree")
    git(repo, "update-ref", "refs/heads/main", commit)
    return commit


@pytest.mark.parametrize("via", ["command", "signed push"])
def test_tree_entries_that_name_paths_outside_the_folder_are_held_back_and_touch_nothing(site, remote, tmp_path, via):
    assert sync(site).exit_code == 0
    outside = tmp_path / "site" / "2026-03-05-escape.md"
    victim = tmp_path / "2026-03-05-victim.md"
    victim.write_text("precious", encoding="utf-8")
    absolute = tmp_path / "absolute" / "2026-03-05-abs.md"
    absolute.parent.mkdir()
    notice = (remote / "notices" / INCIDENT).read_bytes()
    blob = subprocess.run(
        ["git", "-C", str(remote), "hash-object", "-w", "--stdin"], input=notice, capture_output=True, check=True
    ).stdout.strip()
    link = subprocess.run(
        ["git", "-C", str(remote), "hash-object", "-w", "--stdin"],
        input=b"/etc/passwd",
        capture_output=True,
        check=True,
    ).stdout.strip()
    entries = {
        b"../2026-03-05-escape.md": (b"100644", blob),
        b"../../2026-03-05-victim.md": (b"100644", blob),
        str(absolute).encode(): (b"100644", blob),
        b"sub/2026-03-05-sub.md": (b"100644", blob),
        b"2026-03-05-link.md": (b"120000", link),
    }
    hostile = hostile_commit(remote, entries)
    if via == "command":
        result = sync(site)
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    else:
        body = json.dumps({"ref": "refs/heads/main"}).encode()
        assert site.test_client().post("/hooks/git", data=body, headers=signed(body)).status_code == 202
        assert wait_for(lambda: readiness(site)["commit"] == hostile)
    assert not outside.exists() and not absolute.exists()
    assert victim.read_text(encoding="utf-8") == "precious"
    live = tmp_path / "site" / "notices"
    assert not (live / "2026-03-05-link.md").exists() and not (live / "sub").exists()
    held = {h["file"]: h for h in readiness(site)["held_back"]}
    assert set(held) == {name.decode() for name in entries}
    assert all(h["serving_commit"] is None and h["problems"] for h in held.values())
    assert "not a notice file of this folder" in held["../2026-03-05-escape.md"]["problems"][0]
    assert "link" in held["2026-03-05-link.md"]["problems"][0]
    # The good notices are still served.
    assert site.test_client().get("/fi/notices/2019-11-20-tunnistushairio/").status_code == 200


def test_links_planted_in_the_live_folder_are_replaced_or_removed_never_followed(site, remote, tmp_path):
    # A link in the live folder named like a served notice, and one like a notice the branch does not hold,
    # both point at files outside: the sync replaces the first with the notice and removes the second,
    # and neither target changes.
    live = tmp_path / "site" / "notices"
    live.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "precious.md"
    target.write_text("precious", encoding="utf-8")
    (live / INCIDENT).symlink_to(target)
    (live / "2026-03-05-stray.md").symlink_to(target)
    result = sync(site)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == "precious"
    assert not (live / INCIDENT).is_symlink() and OLD_TITLE in (live / INCIDENT).read_text(encoding="utf-8")
    assert not (live / "2026-03-05-stray.md").exists() and not (live / "2026-03-05-stray.md").is_symlink()


def test_a_live_folder_that_is_a_link_is_refused_and_nothing_is_written(tmp_path, remote):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notices").symlink_to(elsewhere, target_is_directory=True)
    linked = build_site(tmp_path / "site", None, NOTICES_REMOTE=str(remote), NOTICES_MIRROR=str(tmp_path / "m.git"))
    result = sync(linked)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "without following a link" in result.output
    assert list(elsewhere.iterdir()) == []


def test_the_sync_tells_what_it_held_back_in_the_staffs_language(site, remote):
    good = git(remote, "rev-parse", "HEAD") if sync(site).exit_code == 0 else None
    edit(remote / "notices" / INCIDENT, "severity: down\n", "")
    commit_all(remote, "Edit during an outage")
    finnish = site.test_cli_runner().invoke(args=["notices", "sync"])
    assert finnish.exit_code == 0, finnish.output
    assert f"{INCIDENT} jäi julkaisematta; sivustolla näkyy sen versio commitista {good[:12]}:" in finnish.output
    assert f"  notices/{INCIDENT}:2: severity puuttuu; kirjoita jokin näistä:" in finnish.output
    assert "severity is missing" not in finnish.output and "held back" not in finnish.output
    # Run again on the same commit (the problems then come from the state file's record): in Swedish.
    swedish = site.test_cli_runner().invoke(args=["notices", "sync", "--lang", "sv"])
    assert f"{INCIDENT} hölls tillbaka; driftlägessidan visar dess version från commit {good[:12]}:" in swedish.output
    assert f"  notices/{INCIDENT}:2: severity saknas; skriv en av dessa:" in swedish.output
    assert "på driftlägessidan nu: commit" in swedish.output
    # The state /readyz shows keeps the English text.
    assert "severity is missing" in readiness(site)["held_back"][0]["problems"][0]
