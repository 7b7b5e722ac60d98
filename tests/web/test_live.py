"""The live status read from a real results database: a stand-in fault through thresholds and back."""

import pytest

from mpass_status import runtime
from mpass_status.checks.runner import run_round
from mpass_status.web.live import component_chart, live_status


def test_fault_to_live_status_through_thresholds_and_recovery(standin_site, broker):
    app = standin_site
    config, db = runtime.config(app), runtime.results(app)

    def prod_saml():
        return live_status(app=app).components["prod-saml"]

    run_round(config, db)
    assert prod_saml().state == "operational"
    broker.set_fault("metadata", "expired_cert")
    broker.set_fault("authnsources", "vanished_source")
    states = []
    for _ in range(3):
        run_round(config, db)
        states.append(prod_saml().state)
    assert states == ["degraded", "degraded", "down"]
    live = live_status(app=app)
    assert live.components["prod-saml"].reason.startswith("signing certificate expired on ")
    assert live.components["opinsys"].reason == "source Opinsys no longer offered"
    assert live.components["wilma"].state == "operational"
    assert (live.indicator, live.last_round is not None) == ("critical", True)
    broker.clear()
    run_round(config, db)
    assert prod_saml().code == "recovering"
    run_round(config, db)
    assert prod_saml().state == "operational"
    assert component_chart("prod-saml", app=app).count == 12
    # The metadata and tls checks both cover prod-saml: 3 failures in 12 results, counted in today's bar;
    # a minute of results is too little to state a share for 24 hours.
    today = prod_saml().daily[-1]
    assert (today["results"], today["failed"]) == (12, 3) and today["uptime"] == pytest.approx(9 / 12)
    assert prod_saml().uptime["24h"] is None
