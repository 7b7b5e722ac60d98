"""Checks keep their distance from a broker that misbehaves: no other hosts, no broker text in public
reasons, no unbounded parsing or decompression."""

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from flask_babel import force_locale

from mpass_status import runtime
from mpass_status.checks.runner import run_checks, run_round
from mpass_status.config import ConfigError, load_config
from mpass_status.standin.broker import HOSTILE_TEXT
from mpass_status.web.labels import reason_text

from ..helpers import ROOT, SHIPPED_CONFIG


def check_of(config, check_id):
    return next(c for c in config.checks if c.id == check_id)


def result_of(config, check_id):
    (result,) = [r for r in run_checks([check_of(config, check_id)], config.probe)]
    return result


def test_a_redirect_within_the_host_is_followed(standin_config, broker):
    broker.set_fault("discovery", "redirect_same")
    assert result_of(standin_config, "prod-oidc-discovery").outcome == "ok"


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


def test_broker_text_stays_out_of_the_public_reason(app, standin_config, broker):
    broker.set_fault("discovery", "hostile_text")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert result.code == "issuer_mismatch"
    with app.test_request_context("/fi/"):
        for lang in ("fi", "sv"):
            with force_locale(lang):
                public = reason_text(result.code, result.params)
            assert "script" not in public and "AAAA" not in public and "\x1b" not in public
    assert "script" not in result.reason
    # Kept for the component page: printable and cut.
    detail = result.params["detail"]
    assert detail.startswith('<script>alert("mpass")</script>AAA') and len(detail) <= 200 and "\x1b" not in detail
    assert HOSTILE_TEXT[:40] in detail


def test_the_component_page_shows_the_brokers_words_escaped_and_cut(standin_site, broker):
    broker.set_fault("discovery", "hostile_text")
    run_round(runtime.config(standin_site), runtime.results(standin_site))
    client = standin_site.test_client()
    page = client.get("/fi/components/prod-oidc/").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;mpass&#34;)&lt;/script&gt;AAA" in page and "<script>alert" not in page
    assert "Lisätiedot:" in page
    front = client.get("/fi/").get_data(as_text=True)
    assert "script&gt;" not in front and "AAAA" not in front


def test_deeply_nested_json_is_a_failure_not_a_crash(standin_config, broker):
    broker.set_fault("discovery", "deep_json")
    result = result_of(standin_config, "prod-oidc-discovery")
    assert (result.code, result.reason) == ("json_too_deep", "answer nests deeper than 64 levels")


GZIP_PROBE = """
import json, resource, sys
from mpass_status.config import load_config
from mpass_status.checks.runner import run_checks
config = load_config(sys.argv[1])
check = next(c for c in config.checks if c.id == "prod-oidc-discovery")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
(result,) = run_checks([check], config.probe)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": result.code, "grew_kb": after - before}))
"""


def test_a_gzip_bomb_is_cut_while_reading_and_never_held(standin_config, broker):
    assert len(broker.gzip_bomb) < 1024 * 1024  # 100 MB of zeros, compressed before the round starts.
    broker.set_fault("discovery", "gzip_bomb")
    done = subprocess.run(
        [sys.executable, "-c", GZIP_PROBE, str(standin_config.path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["code"] == "too_large"
    # 100 MB decompressed, cut at 5 MB: the process grows by a few MB at most, never by the bomb's size.
    assert found["grew_kb"] < 30 * 1024, found


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
