"""The incident draft pushed to a drafts/… branch of STATUS_NOTICES_REMOTE (a real bare repository in tmp_path)
when the checks find production down: the branch holds the file under notices/, main and the live folder are
untouched, the alert links the branch, and a second detection of the same outage pushes nothing."""

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.config.settings import SettingsError, defaults, load_settings
from mpass_status.notices.parser import parse_notice
from mpass_status.notify.alerts import alerter
from mpass_status.notify.draft_branch import push_draft
from mpass_status.status.states import State
from tests.helpers import FIXTURE_NOTICES, ROOT, git
from tests.notify.alert_support import Receiver, rounds_until

LINK = "https://forge.example.fi/mpass/notices/compare/main...{branch}?expand=1"


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def remote(tmp_path):
    """A bare notices repository (main: the fixture notices under notices/) whose update hook logs every push."""
    work = tmp_path / "work"
    shutil.copytree(FIXTURE_NOTICES, work / "notices")
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Fixture notices")
    bare = tmp_path / "notices.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    hook = bare / "hooks" / "update"
    hook.write_text(f'#!/bin/sh\necho "$1" >> {tmp_path / "pushes.log"}\n')
    hook.chmod(0o755)
    return bare


def pushes(remote) -> list[str]:
    log = remote.parent / "pushes.log"
    return log.read_text().split() if log.exists() else []


@pytest.fixture
def site(make_site, standin_config, receiver, remote, tmp_path):
    return make_site(
        None,
        STATUS_CONFIG=str(standin_config.path),
        ALERT_URLS=receiver.url,
        SEND_IN_BACKGROUND=False,
        DRAFTS_DIR=str(tmp_path / "drafts"),
        NOTICES_REMOTE=str(remote),
        NOTICES_MIRROR=str(tmp_path / "mirror" / "notices.git"),
        DRAFTS_LINK=LINK,
    )


def test_the_draft_goes_to_a_new_branch_once_and_the_alert_links_it(site, broker, receiver, remote, tmp_path):
    main = git(remote, "rev-parse", "refs/heads/main")
    live = sorted(p.name for p in runtime.settings(site).notices_dir.iterdir())
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    # The first alert is refused: the draft is pushed all the same, and the alert told on the next pass.
    receiver.refusing = True
    assert alerter(site).once() == []
    receiver.refusing = False
    assert alerter(site).once()
    (branch,) = git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/drafts/").split()
    assert branch.startswith("drafts/20") and branch.endswith("-tuotannon-hairio-" + branch[-4:])
    assert pushes(remote) == [f"refs/heads/{branch}"]
    message = receiver.bodies[-1]["message"]
    name = branch.removeprefix("drafts/") + ".md"
    assert f"branch {branch} of {remote} (notices/{name})" in message
    assert f"Compare and merge it: {LINK.replace('{branch}', branch)}" in message
    # One commit on top of main, adding the draft and nothing else; main, the live folder and drafts folder as were.
    assert git(remote, "rev-parse", f"{branch}^") == main == git(remote, "rev-parse", "refs/heads/main")
    assert git(remote, "diff", "--name-status", main, branch) == f"A\tnotices/{name}"
    assert sorted(p.name for p in runtime.settings(site).notices_dir.iterdir()) == live
    assert not (tmp_path / "drafts").exists()
    # The file on the branch is a notice the parser takes, naming the production part down.
    copy = tmp_path / name
    copy.write_text(git(remote, "show", f"{branch}:notices/{name}") + "\n")
    notice, problems = parse_notice(copy, runtime.config(site))
    assert problems == [] and notice.type == "incident" and "prod-oidc" in notice.affected
    # Four minutes on (rounds every 10 s), SAML in production goes down too: the operator hears of it, with a link to
    # the same branch, and nothing is pushed again.
    start = datetime.now(UTC)
    for step in range(1, 31):
        if step == 24:
            broker.set_fault("metadata", "500")
        run_round(runtime.config(site), runtime.results(site), now=start + timedelta(seconds=10 * step))
    told = alerter(site).once((start + timedelta(seconds=300)).timestamp())
    assert [c.component for c in told if c.kind == "new"] == ["prod-saml"]
    assert pushes(remote) == [f"refs/heads/{branch}"]
    assert f"branch {branch} of" in receiver.bodies[-1]["message"]
    # Once production is back up, the outage is over: its draft is forgotten with the alerts told.
    broker.clear()
    for step in range(31, 37):
        run_round(runtime.config(site), runtime.results(site), now=start + timedelta(seconds=10 * step))
    assert {c.kind for c in alerter(site).once((start + timedelta(seconds=360)).timestamp())} == {"resolved"}
    assert sqlite_rows(site) == []


def sqlite_rows(site) -> list:
    with sqlite3.connect(runtime.settings(site).database) as db:
        return db.execute("SELECT route, component FROM operator_alerts").fetchall()


def test_a_remote_that_cannot_be_reached_leaves_the_draft_in_the_drafts_folder(
    make_site, standin_config, receiver, broker, tmp_path
):
    site = make_site(
        None,
        STATUS_CONFIG=str(standin_config.path),
        ALERT_URLS=receiver.url,
        SEND_IN_BACKGROUND=False,
        DRAFTS_DIR=str(tmp_path / "drafts"),
        NOTICES_REMOTE=str(tmp_path / "no-such-repository.git"),
        NOTICES_MIRROR=str(tmp_path / "mirror" / "notices.git"),
    )
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    assert alerter(site).once()
    message = receiver.bodies[-1]["message"]
    (draft,) = (tmp_path / "drafts").iterdir()
    assert f"check and publish: {draft}\n(Pushing it to drafts/{draft.stem} failed: git ls-remote failed" in message
    _, problems = parse_notice(draft, runtime.config(site))
    assert problems == []


def test_a_drafts_folder_that_cannot_be_written_does_not_keep_the_alert_back(
    make_site, standin_config, receiver, broker, tmp_path
):
    (tmp_path / "blocker").write_text("a file where the drafts folder's parent should be")
    site = make_site(
        None,
        STATUS_CONFIG=str(standin_config.path),
        ALERT_URLS=receiver.url,
        SEND_IN_BACKGROUND=False,
        DRAFTS_DIR=str(tmp_path / "blocker" / "drafts"),
    )
    broker.set_fault("discovery", "500")
    rounds_until(site, "prod-oidc", State.DOWN)
    assert alerter(site).once()
    assert "The incident draft could not be written: " in receiver.bodies[-1]["message"]


def test_a_draft_in_a_nested_folder_keeps_every_other_file_of_the_branch(remote, tmp_path):
    main = git(remote, "rev-parse", "refs/heads/main")
    text = "---\ntype: incident\n---\n"
    mirror = tmp_path / "drafts.git"
    assert push_draft(str(remote), "main", "site/notices", mirror, "2026-12-05-tuotannon-hairio-1412.md", text)
    branch = "drafts/2026-12-05-tuotannon-hairio-1412"
    assert git(remote, "diff", "--name-status", main, branch) == "A\tsite/notices/2026-12-05-tuotannon-hairio-1412.md"
    assert git(remote, "show", f"{branch}:site/notices/2026-12-05-tuotannon-hairio-1412.md") == text.strip()
    # Asked again, it finds the branch there and pushes nothing.
    assert not push_draft(str(remote), "main", "site/notices", mirror, "2026-12-05-tuotannon-hairio-1412.md", "x")
    assert pushes(remote) == [f"refs/heads/{branch}"]


@pytest.mark.parametrize("link", ["https://forge.example.fi/compare/main", "forge.example.fi/{branch}"])
def test_a_drafts_link_needs_an_address_with_the_branch_in_it(link):
    with pytest.raises(SettingsError, match="STATUS_DRAFTS_LINK: cannot use"):
        load_settings(defaults(ROOT), {"STATUS_DRAFTS_LINK": link})
