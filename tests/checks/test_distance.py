"""Checks keep their distance from a broker that misbehaves: no other hosts, no broker text in public
reasons, no unbounded parsing or decompression."""

import json
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from flask_babel import force_locale

from mpass_status import runtime
from mpass_status.checks.reasons import reason
from mpass_status.checks.runner import run_checks, run_round
from mpass_status.checks.transport import same_origin
from mpass_status.config import ConfigError, load_config
from mpass_status.standin.broker import HOSTILE_TEXT
from mpass_status.web.labels import reason_text

from ..helpers import CHECK_TIMEOUT, ROOT, SHIPPED_CONFIG


def check_of(config, check_id):
    return next(c for c in config.checks if c.id == check_id)


def result_of(config, check_id):
    (result,) = [r for r in run_checks([check_of(config, check_id)], config.probe)]
    return result


def test_a_redirect_within_the_host_is_followed(standin_config, broker):
    broker.set_fault("discovery", "redirect_same")
    assert result_of(standin_config, "prod-oidc-discovery").outcome == "ok"


def test_a_redirect_loop_on_the_same_host_ends_at_the_hop_limit(standin_config, broker):
    broker.set_fault("discovery", "redirect_loop")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert (result.code, result.reason) == ("too_many_redirects", "more than 3 redirects")


@pytest.mark.parametrize(
    "url, other, same",
    [
        ("https://mpass-proxy.csc.fi/a", "https://MPASS-proxy.csc.fi:443/b?c", True),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b", True),
        ("https://mpass-proxy.csc.fi/a", "http://mpass-proxy.csc.fi/a", False),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a", False),
        ("http://127.0.0.1:8080/a", "http://localhost:8080/a", False),
        ("https://mpass-proxy.csc.fi/a", "//evil.example/a", False),
        ("http://127.0.0.1:x/a", "http://127.0.0.1:x/a", False),
    ],
)
def test_the_same_origin_is_scheme_host_and_port(url, other, same):
    assert same_origin(url, other) is same


def test_a_redirect_to_another_host_is_a_failure_of_its_own(standin_config, broker):
    broker.set_fault("discovery", "redirect_elsewhere")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert (result.outcome, result.code, result.reason) == (
        "failed",
        "redirect_elsewhere",
        "redirected to another host",
    )
    assert result.params["detail"].startswith("http://localhost:")


def test_a_key_set_on_another_host_is_not_fetched_unless_configured(standin_config, broker):
    broker.set_fault("discovery", "jwks_elsewhere")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert (result.code, result.reason) == ("jwks_elsewhere", "the key set is on another host than the issuer")
    allowed = replace(check_of(standin_config, "prod-oidc-discovery"), jwks_hosts=("localhost",))
    (passed,) = run_checks([allowed], standin_config.probe)
    assert passed.outcome == "ok"


def _public_reasons(app, code, params) -> list[str]:
    texts = [reason(code, params)]
    with app.test_request_context("/fi/"):
        for lang in ("fi", "sv"):
            with force_locale(lang):
                texts.append(reason_text(code, params))
    return texts


@pytest.mark.parametrize(
    "target, fault, check_id, code, broker_words",
    [
        ("discovery", "hostile_text", "prod-oidc-discovery", "issuer_mismatch", ("script", "AAAA")),
        ("discovery", "redirect_elsewhere", "prod-oidc-discovery", "redirect_elsewhere", ("localhost",)),
        ("discovery", "jwks_elsewhere", "prod-oidc-discovery", "jwks_elsewhere", ("localhost", "keyset")),
        ("jwks", "html", "prod-oidc-discovery", "jwks_unreachable", ("keyset", "text/html")),
        ("metadata", "hostile_text", "prod-saml-metadata", "entity_id_mismatch", ("script", "AAAA")),
        ("metadata", "truncated", "prod-saml-metadata", "xml_invalid", ("line", "column")),
    ],
)
def test_each_public_reason_is_a_fixed_phrase_in_both_languages(
    app, standin_config, broker, target, fault, check_id, code, broker_words
):
    broker.set_fault(target, fault)
    result = result_of(standin_config, check_id)
    assert result.code == code
    for text in _public_reasons(app, result.code, result.params):
        assert "%(" not in text and not any(word in text for word in broker_words), text
    # What the broker said is kept beside it for the component page: printable, one line, cut.
    kept = result.params["detail"]
    assert any(word in kept for word in broker_words) and len(kept) <= 200
    assert kept.isprintable() and kept == kept.strip()


# Rows stored before the reasons became fixed phrases, with the params their templates used then.
OLD_ROWS = [
    ("issuer_mismatch", {"expected": "https://mpass-proxy.csc.fi", "actual": "<b>evil</b>"}, "mpass-proxy.csc.fi"),
    ("entity_id_mismatch", {"expected": "https://mpass-proxy.csc.fi/idp", "actual": "<b>evil</b>"}, "/idp"),
    ("http_error", {"detail": "<b>evil</b>"}, None),
    ("not_json", {"content_type": "<b>evil</b>"}, None),
    ("jwks_unreachable", {"url": "https://evil.example/<b>evil</b>", "detail": "<b>evil</b>"}, None),
    ("jwks_invalid", {"url": "https://evil.example/<b>evil</b>"}, None),
    ("xml_invalid", {"detail": "<b>evil</b>"}, None),
    ("metadata_bad_valid_until", {"value": "<b>evil</b>"}, None),
    ("tls_handshake", {"detail": "<b>evil</b>"}, None),
    ("internal_error", {"detail": "RecursionError: <b>evil</b>"}, None),
]


@pytest.mark.parametrize("code, params, kept", OLD_ROWS, ids=[row[0] for row in OLD_ROWS])
def test_old_rows_render_as_the_new_phrase_without_their_broker_text(app, code, params, kept):
    for text in _public_reasons(app, code, params):
        assert "%(" not in text and "evil" not in text, text
        assert kept is None or kept in text


def test_the_brokers_words_are_kept_printable_and_cut(standin_config, broker):
    assert "\x1b[31m\u202e" in HOSTILE_TEXT and len(HOSTILE_TEXT) > 500
    broker.set_fault("discovery", "hostile_text")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert result.code == "issuer_mismatch" and "script" not in result.reason
    # The escape and the right-to-left override become spaces; the markup stays, for the page to escape.
    assert result.params["detail"] == ('<script>alert("mpass")</script> [31m ' + "A" * 500)[:200]


def test_the_component_page_shows_the_brokers_words_escaped_and_cut(standin_site, broker):
    broker.set_fault("discovery", "hostile_text")
    run_round(runtime.config(standin_site), runtime.results(standin_site))
    client = standin_site.test_client()
    page = client.get("/fi/components/prod-oidc/").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;mpass&#34;)&lt;/script&gt; [31m AAA" in page and "<script>alert" not in page
    assert "Lisätiedot:" in page
    front = client.get("/fi/").get_data(as_text=True)
    assert "script&gt;" not in front and "AAAA" not in front


def test_deeply_nested_json_is_a_failure_not_a_crash(standin_config, broker):
    broker.set_fault("discovery", "deep_json")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert (result.code, result.reason) == ("json_too_deep", "answer nests deeper than 64 levels")


def test_a_number_too_long_to_convert_is_not_json_not_a_crash(standin_config, broker):
    broker.set_fault("discovery", "long_number")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert (result.code, result.reason) == ("not_json", "answer is not JSON")


def test_deeply_nested_metadata_is_refused_while_parsing(standin_config, broker):
    broker.set_fault("metadata", "deep_xml")
    result = result_of(standin_config, "prod-saml-metadata")
    assert (result.code, result.reason) == ("xml_too_deep", "metadata nests deeper than 64 levels")


def test_the_rest_of_the_answer_after_a_complete_gzip_document_is_not_read(standin_config, broker):
    broker.set_fault("discovery", "gzip_trailer")  # the document gzipped, then 100 MB of zeros
    started = time.monotonic()
    result = result_of(standin_config, "prod-oidc-discovery")
    assert result.outcome == "ok", result.reason
    assert time.monotonic() - started < CHECK_TIMEOUT


# Runs one check in a process of its own, measuring how much that process grew and how long it took;
# the timeout of subprocess.run stops a check that never ends (a scan holding the GIL would stop pytest).
PROBE = """
import json, resource, sys, time
from mpass_status.config import load_config
from mpass_status.checks.runner import run_checks
config = load_config(sys.argv[1])
check = next(c for c in config.checks if c.id == sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
(result,) = run_checks([check], config.probe)
seconds = time.monotonic() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": result.code, "grew_kb": after - before, "seconds": seconds}))
"""


def probe_apart(config, check_id) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(config.path), check_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_gzip_bomb_is_cut_while_reading_and_never_held(standin_config, broker):
    assert len(broker.gzip_bomb) < 1024 * 1024  # 100 MB of zeros, compressed before the round starts.
    broker.set_fault("discovery", "gzip_bomb")
    found = probe_apart(standin_config, "prod-oidc-discovery")
    assert found["code"] == "too_large"
    # 100 MB decompressed, cut at 5 MB: the process grows by a few MB at most, never by the bomb's size.
    assert found["grew_kb"] < 30 * 1024, found


def test_metadata_of_a_million_elements_is_refused_before_it_is_held(standin_config, broker):
    broker.set_fault("metadata", "wide_xml")
    found = probe_apart(standin_config, "prod-saml-metadata")
    assert found["code"] == "xml_too_many_elements"
    # Parsed whole, its 4 MB would be about 100 MB of elements.
    assert found["grew_kb"] < 30 * 1024, found


def test_an_unclosed_string_of_escaped_quotes_is_scanned_in_linear_time(standin_config, broker):
    broker.set_fault("discovery", "unclosed_string")  # 4 MB: hours for a backtracking scanner
    found = probe_apart(standin_config, "prod-oidc-discovery")
    assert found["code"] == "not_json"
    assert found["seconds"] < CHECK_TIMEOUT + 1, found


@pytest.mark.parametrize(
    "value",
    [["keys.example.fi"], []],
)
def test_jwks_hosts_is_read_from_the_configuration(tmp_path, value):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace(
        'issuer = "https://mpass-proxy.csc.fi"\n', f'issuer = "https://mpass-proxy.csc.fi"\njwks_hosts = {value!r}\n'
    )
    path = tmp_path / "status.toml"
    path.write_text(text.replace("'", '"'), encoding="utf-8")
    check = next(c for c in load_config(path).checks if c.id == "prod-oidc-discovery")
    assert check.jwks_hosts == tuple(value)


def test_a_wrong_jwks_hosts_is_named_at_its_line(tmp_path):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace(
        'issuer = "https://mpass-proxy.csc.fi"\n', 'issuer = "https://mpass-proxy.csc.fi"\njwks_hosts = "keys.fi"\n'
    )
    path = tmp_path / "status.toml"
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index('jwks_hosts = "keys.fi"') + 1
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert f"status.toml:{line}: check prod-oidc-discovery: 'jwks_hosts' must list host names" in str(raised.value)
