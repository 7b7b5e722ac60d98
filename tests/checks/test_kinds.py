"""Each check kind against the stand-in broker: healthy answers, every fault, hangs and network loss."""

import socket
import time
from dataclasses import replace

import pytest

from mpass_status.checks.kinds import KINDS
from mpass_status.checks.runner import run_checks
from mpass_status.config.model import CheckKind

from ..helpers import CHECK_TIMEOUT


def by_check(results, component=None):
    return {r.check_id: r for r in results if component is None or r.component == component}


def round_of(config):
    return run_checks(config.checks, config.probe)


def test_every_kind_the_configuration_admits_has_its_check():
    # The loader accepts exactly the CheckKind members, so a kind missing here would be a check that cannot run.
    assert set(KINDS) == set(CheckKind)


def test_healthy_brokers_give_ok_everywhere(standin_config):
    results = round_of(standin_config)
    assert len(results) == 5 + 2 + 2 + 4 + 2  # authsources and tls cover several components
    assert {r.outcome for r in results} == {"ok"}, [(r.check_id, r.reason) for r in results]
    assert all(r.time.tzinfo is not None and r.response_ms is not None for r in results)


@pytest.mark.parametrize(
    "target, fault, check_id, outcome, reason",
    [
        ("discovery", "500", "prod-oidc-discovery", "failed", "server error: HTTP status 500"),
        ("discovery", "html", "prod-oidc-discovery", "failed", "answer is not JSON"),
        ("discovery", "truncated", "prod-oidc-discovery", "failed", "answer is not JSON"),
        (
            "discovery",
            "wrong_issuer",
            "prod-oidc-discovery",
            "failed",
            "the discovery document names an issuer other than http://127.0.0.1",
        ),
        ("discovery", "reset", "prod-oidc-discovery", "failed", "connection reset by 127.0.0.1"),
        ("jwks", "html", "prod-oidc-discovery", "failed", "the key set cannot be fetched"),
        ("authorize", "500", "prod-oidc-authorize", "failed", "server error: HTTP status 500"),
        ("metadata", "truncated", "prod-saml-metadata", "failed", "metadata is not well-formed XML"),
        ("metadata", "xml_bomb", "prod-saml-metadata", "failed", "unsafe XML refused"),
        ("metadata", "expired_metadata", "prod-saml-metadata", "failed", "metadata expired on "),
        ("metadata", "expired_cert", "prod-saml-metadata", "failed", "signing certificate expired on "),
        ("metadata", "expiring_cert", "prod-saml-metadata", "degraded", "signing certificate expires on "),
        ("metadata", "html", "prod-saml-metadata", "failed", "metadata is not an EntityDescriptor"),
        ("authnsources", "html", "prod-authsources", "failed", "answer is not JSON"),
    ],
)
def test_each_fault_is_one_result_with_a_readable_reason(
    standin_config, broker, target, fault, check_id, outcome, reason
):
    broker.set_fault(target, fault)
    results = round_of(standin_config)
    result = by_check(results)[check_id]
    assert result.outcome == outcome
    assert result.reason.startswith(reason), result.reason
    # The other environment is untouched by this broker's fault.
    assert {r.outcome for r in results if r.environment == "test"} == {"ok"}


def test_a_slow_answer_is_degraded(standin_config, broker):
    broker.set_fault("discovery", "slow")  # answers after 0.8 s
    checks = [replace(c, slow_ms=400) for c in standin_config.checks if c.kind == "oidc"]
    result = by_check(run_checks(checks, standin_config.probe))["prod-oidc-discovery"]
    assert (result.outcome, result.code, result.params["limit"]) == ("degraded", "slow", 400)
    assert result.response_ms >= 800 and result.reason.startswith("slow response: ")


def test_vanished_source_fails_only_its_component(standin_config, broker):
    broker.set_fault("authnsources", "vanished_source")
    results = [r for r in round_of(standin_config) if r.check_id == "prod-authsources"]
    outcomes = {r.component: r.outcome for r in results}
    assert outcomes == {"wilma": "ok", "adfs": "ok", "entra-id": "ok", "google": "ok", "opinsys": "failed"}
    assert by_check(results, "opinsys")["prod-authsources"].reason == "source Opinsys no longer offered"


def test_authsources_must_be_a_list_of_objects(standin_config, broker):
    broker.set_fault("authnsources", "truncated")
    result = by_check(round_of(standin_config), "wilma")["prod-authsources"]
    assert (result.outcome, result.code) == ("failed", "not_json")


@pytest.mark.parametrize(
    "mode, outcome, reason",
    [
        ("expiring", "degraded", "TLS certificate expires on "),
        ("expired", "failed", "TLS certificate expired on "),
    ],
)
def test_tls_certificate_expiry(standin_config, broker, mode, outcome, reason):
    broker.set_tls(mode)
    result = by_check(round_of(standin_config), "prod-saml")["prod-tls"]
    assert result.outcome == outcome and result.reason.startswith(reason), result.reason


def test_tls_untrusted_certificate_fails_the_handshake(standin_config):
    checks = [replace(c, ca_file=None) for c in standin_config.checks if c.kind == "tls"]
    results = run_checks(checks, standin_config.probe)
    assert {r.outcome for r in results} == {"failed"}
    assert {r.reason for r in results} == {"TLS handshake failed"}
    # What the TLS library said is kept for the component page, cut and printable.
    assert all("certificate" in r.params["detail"] and len(r.params["detail"]) <= 200 for r in results), [
        r.params for r in results
    ]


def test_a_hang_is_cut_at_the_timeout_and_blocks_nothing_else(standin_config, broker):
    broker.set_fault("discovery", "hang")
    broker.set_fault("metadata", "hang")
    started = time.monotonic()
    results = round_of(standin_config)
    elapsed = time.monotonic() - started
    assert elapsed < CHECK_TIMEOUT + 0.8
    hung = by_check(results)["prod-oidc-discovery"]
    assert (hung.outcome, hung.reason) == ("failed", "timeout after 1.5 s")
    assert by_check(results)["prod-saml-metadata"].code == "timeout"
    assert by_check(results)["prod-oidc-authorize"].outcome == "ok"
    assert {r.outcome for r in results if r.environment == "test"} == {"ok"}


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pointing_at(checks, port):
    return [replace(c, url=c.url.replace(c.url.split("/")[2], f"127.0.0.1:{port}")) for c in checks]


def test_every_target_unreachable_while_the_references_answer_is_the_brokers_outage(standin_config):
    checks = _pointing_at(standin_config.checks, _closed_port())
    results = run_checks(checks, standin_config.probe)
    assert {r.outcome for r in results} == {"failed"}
    assert {r.code for r in results} == {"connect_failed"}


def test_nothing_answering_not_even_the_references_means_our_network_is_down(standin_config, references):
    checks = _pointing_at(standin_config.checks, _closed_port())
    for reference in references:
        reference.refuse()
    results = run_checks(checks, standin_config.probe)
    assert {r.outcome for r in results} == {"unknown"}
    assert {r.reason for r in results} == {"the status site's own network seems down"}


def test_one_reference_answering_is_enough_to_trust_the_network(standin_config, references):
    checks = _pointing_at(standin_config.checks[:2], _closed_port())
    references[0].refuse()
    assert {r.outcome for r in run_checks(checks, standin_config.probe)} == {"failed"}


def test_one_unreachable_target_is_a_plain_failure(standin_config):
    checks = standin_config.checks
    broken = _pointing_at(checks[:1], _closed_port()) + list(checks[1:])
    results = run_checks(broken, standin_config.probe)
    first = by_check(results)[checks[0].id]
    assert (first.outcome, first.reason) == ("failed", "cannot connect to 127.0.0.1")
    assert "unknown" not in {r.outcome for r in results}
