"""Three probers on three "networks" (`flask probe --watch` with their own vantage point and their own path to
the broker: a stand-in each) write into one PostgreSQL database; a site reading it shows what they agree on."""

import re
import time
from datetime import UTC, datetime, timedelta

from mpass_status.standin.broker import StandinBroker

from ..helpers import wait_for
from .support import fast_config, site_env, states, watching

VANTAGES = ("Espoo", "Oulu", "Turku")


def summary(client) -> dict:
    return client.get("/api/v2/summary.json").get_json()


def prod_oidc(client) -> tuple[str, str]:
    """Returns the production OIDC interface's Statuspage status and the reason the site gives for it."""
    found = next(c for c in summary(client)["components"] if c["id"] == "prod-oidc")
    return found["status"], found.get("mpass_reason", "")


def component_page(client) -> str:
    return re.sub(r"\s+", " ", client.get("/fi/components/prod-oidc/").get_data(as_text=True))


def test_three_probers_in_postgresql_agree_by_majority_and_recover(tmp_path, make_site, postgres_url, references):
    with StandinBroker() as espoo, StandinBroker() as oulu, StandinBroker() as turku:
        paths = dict(zip(VANTAGES, (espoo, oulu, turku), strict=True))
        configs = {}
        for vantage, broker in paths.items():
            folder = tmp_path / vantage
            folder.mkdir()
            configs[vantage] = fast_config(folder, broker, None, references, postgres_url)
        site = make_site(None, STATUS_CONFIG=str(configs["Espoo"]), DATABASE=postgres_url, STATUS_VERSION_SECONDS=0.2)
        client = site.test_client()
        with (
            watching(
                site_env(configs["Espoo"], tmp_path / "none", postgres_url, STATUS_VANTAGE="Espoo"), tmp_path / "e.log"
            ),
            watching(
                site_env(configs["Oulu"], tmp_path / "none", postgres_url, STATUS_VANTAGE="Oulu"), tmp_path / "o.log"
            ),
            watching(
                site_env(configs["Turku"], tmp_path / "none", postgres_url, STATUS_VANTAGE="Turku"), tmp_path / "t.log"
            ),
        ):
            # Every prober has stored a round (they start one after another on a busy machine), all is well.
            assert wait_for(lambda: len(client.get("/readyz").get_json()["probe"]["vantages"]) == 3, 30)
            assert wait_for(lambda: prod_oidc(client)[0] == "operational", 30), prod_oidc(client)
            ready = client.get("/readyz").get_json()
            # No prober runs beside this site; the shared database's fresh rounds show that probers run elsewhere.
            assert ready["ready"], ready
            assert sorted(ready["probe"]["vantages"]) == list(VANTAGES)

            # Seen failing from one vantage point: degraded, naming it, and never down however long it lasts.
            espoo.set_fault("discovery", "500")
            assert wait_for(lambda: prod_oidc(client)[0] == "degraded_performance", 20), prod_oidc(client)
            # How long it lasts is what is tested: what the site says is sampled over three rounds (6 s).
            seen = set()
            for _ in range(20):
                seen.add(prod_oidc(client))
                time.sleep(0.3)
            assert {status for status, _ in seen} == {"degraded_performance"}, seen
            page = component_page(client)
            assert "epäonnistuu vain tarkistuspaikassa Espoo" in page
            for vantage in VANTAGES:
                assert f"Tarkistuspaikka: {vantage}" in page
            sv = re.sub(r"\s+", " ", client.get("/sv/components/prod-oidc/").get_data(as_text=True))
            assert "misslyckas bara från kontrollplatsen Espoo" in sv

            # From two of three: a majority, so the broker is down.
            oulu.set_fault("discovery", "500")
            assert wait_for(lambda: prod_oidc(client)[0] == "major_outage", 20), prod_oidc(client)
            assert summary(client)["status"]["indicator"] in ("major", "critical")
            # From all three: still down.
            turku.set_fault("discovery", "500")
            faulted = datetime.now(UTC)

            def turku_probed_since() -> bool:
                newest = client.get("/readyz").get_json()["probe"]["vantages"]["Turku"]
                # Past one whole interval (2 s) after the fault, every check of Turku has met it.
                return datetime.fromisoformat(newest) > faulted + timedelta(seconds=2.5)

            assert wait_for(turku_probed_since, 20)
            assert prod_oidc(client)[0] == "major_outage"
            assert "epäonnistuu vain" not in component_page(client)

            # Recovery everywhere: up again once the thresholds see it.
            for broker in paths.values():
                broker.clear()
            assert wait_for(lambda: prod_oidc(client)[0] == "operational", 30), prod_oidc(client)
            assert set(states(summary(client)).get(c) for c in ("prod-oidc", "prod-saml")) == {"operational"}
        for vantage in VANTAGES:
            log = (tmp_path / f"{vantage[0].lower()}.log").read_text()
            assert "another prober" not in log, log
