"""`POST /hooks/git` under a flood of unsigned and forged deliveries: only verified deliveries count toward
the hook's limit, so the forge's real pushes are accepted while the flood is refused apart."""

import hashlib
import hmac
import logging
import shutil

import pytest

from ..helpers import FIXTURE_NOTICES, build_site, git

SECRET = "jaettu-salaisuus"
BODY = b'{"ref": "refs/heads/main"}'


def signed(body: bytes, secret: str = SECRET) -> dict:
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


@pytest.fixture
def client(tmp_path):
    remote = tmp_path / "remote"
    shutil.copytree(FIXTURE_NOTICES, remote / "notices")
    git(tmp_path, "init", "-q", "-b", "main", str(remote))
    git(remote, "add", "-A")
    git(remote, "commit", "-q", "-m", "Fixture notices")
    site = build_site(
        tmp_path / "site",
        None,
        NOTICES_REMOTE=str(remote),
        NOTICES_MIRROR=str(tmp_path / "mirror.git"),
        HOOK_SECRET=SECRET,
        HOOK_MIN_SECONDS=0.2,
    )
    return site.test_client()


def test_an_unsigned_flood_never_makes_signed_pushes_wait(client):
    flood = [client.post("/hooks/git", data=BODY).status_code for _ in range(150)]
    # Refused apart: the first answered 403, the rest of the minute 429.
    assert flood[:30] == [403] * 30 and set(flood[30:]) == {429}
    assert [client.post("/hooks/git", data=BODY, headers=signed(BODY)).status_code for _ in range(5)] == [202] * 5


def test_a_forged_flood_never_makes_signed_pushes_wait(client):
    forged = signed(BODY, "väärä")
    flood = {client.post("/hooks/git", data=BODY, headers=forged).status_code for _ in range(150)}
    assert flood == {403, 429}
    assert client.post("/hooks/git", data=BODY, headers=signed(BODY)).status_code == 202
    assert client.post("/hooks/git", data=BODY, headers={"X-Gitlab-Token": SECRET}).status_code == 202


def test_refused_deliveries_past_their_limit_are_not_logged_each(client, caplog):
    with caplog.at_level(logging.WARNING, logger="mpass_status.web.hooks"):
        for _ in range(150):
            client.post("/hooks/git", data=BODY)
    assert len([r for r in caplog.records if "git hook refused" in r.getMessage()]) == 30


def test_verified_deliveries_keep_their_own_limit(client):
    answers = [client.post("/hooks/git", data=BODY, headers=signed(BODY)).status_code for _ in range(65)]
    assert answers[:60] == [202] * 60 and set(answers[60:]) == {429}
    # Their window spent, a refused delivery is still answered as refused, not as theirs.
    assert client.post("/hooks/git", data=BODY, headers=signed(BODY, "väärä")).status_code == 403
