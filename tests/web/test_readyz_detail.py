"""/readyz answers the load balancer, not the world: ready or not ready for everyone, its reasons and detail
(the database, the held-back notices' problems) only for the addresses of READYZ_DETAIL_FROM or a request
with READYZ_TOKEN."""

import pytest

from ..helpers import build_site

WORLD = "203.0.113.5"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(
        tmp_path_factory.mktemp("readyz"), READYZ_TOKEN="kuormantasaaja", READYZ_DETAIL_FROM="10.1.0.0/16"
    )


def readyz(site, address: str, headers: dict | None = None):
    response = site.test_client().get("/readyz", headers=headers or {}, environ_base={"REMOTE_ADDR": address})
    return response.status_code, response.get_json()


def test_the_world_reads_only_whether_the_site_is_ready(site):
    code, body = readyz(site, WORLD)
    # No prober runs here: not ready, and nothing more.
    assert (code, body) == (503, {"ready": False})


@pytest.mark.parametrize("address", ["10.1.2.3", "::ffff:10.1.2.3"])
def test_an_allowed_address_reads_the_reasons(site, address):
    code, body = readyz(site, address)
    assert code == 503 and body["reasons"] and "database" in body and "probe" in body


def test_the_token_opens_the_detail_from_anywhere(site):
    code, body = readyz(site, WORLD, {"Authorization": "Bearer kuormantasaaja"})
    assert code == 503 and body["reasons"]
    assert readyz(site, WORLD, {"Authorization": "Bearer väärä"})[1] == {"ready": False}


@pytest.mark.parametrize(
    "forwarded",
    [WORLD, f"10.1.2.3, {WORLD}", "garbage", ""],
)
def test_the_world_relayed_by_an_allowed_proxy_reads_no_detail(site, forwarded):
    # nginx appends the client it saw to whatever X-Forwarded-For the client sent.
    assert readyz(site, "10.1.0.1", {"X-Forwarded-For": forwarded})[1] == {"ready": False}


def test_an_allowed_client_relayed_by_an_allowed_proxy_reads_the_detail(site):
    assert "reasons" in readyz(site, "10.1.0.1", {"X-Forwarded-For": "10.1.9.9"})[1]


def test_loopback_reads_the_detail_by_default(tmp_path):
    plain = build_site(tmp_path)
    assert "reasons" in plain.test_client().get("/readyz").get_json()
    assert plain.test_client().get("/readyz", environ_base={"REMOTE_ADDR": WORLD}).get_json() == {"ready": False}


def test_a_setting_that_names_no_network_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.setenv("STATUS_READYZ_DETAIL_FROM", "10.0.0.0/8, lähiverkko")
    with pytest.raises(SystemExit, match="STATUS_READYZ_DETAIL_FROM: .*write addresses or networks"):
        build_site(tmp_path)
