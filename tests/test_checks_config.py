"""The [probe] and [[checks]] configuration: the shipped file and clear messages for mistakes."""

from pathlib import Path

import pytest

from mpass_status.checks_config import parse_checks, parse_probe, validate_checks
from mpass_status.config import ConfigError, load_config

SHIPPED = Path(__file__).resolve().parent.parent / "status.toml"


def test_shipped_configuration_is_valid_and_checks_the_real_brokers():
    config = load_config(SHIPPED)
    assert validate_checks(config) == []
    checks = parse_checks(config)
    hosts = {c.url.split("/")[2] for c in checks}
    assert hosts == {"mpass-proxy.csc.fi", "mpass-proxy-test.csc.fi"}
    kinds = {(c.environment, c.kind) for c in checks}
    assert {("production", k) for k in ("oidc", "saml", "authsources", "tls", "http")} <= kinds
    assert {("test", k) for k in ("oidc", "saml", "tls", "http")} <= kinds
    paths = {c.url.split("/", 3)[3] if c.url.count("/") > 2 else "" for c in checks}
    assert {
        ".well-known/openid-configuration",
        "idp/shibboleth",
        "idp/profile/api/authnsources?lang=FI",
        "idp/profile/oidc/authorize",
    } <= paths
    probe = parse_probe(config)
    assert (probe.failures_to_down, probe.successes_to_up, probe.stale_after_intervals, probe.retention_days) == (
        3,
        2,
        3,
        90,
    )
    assert probe.database == SHIPPED.parent / "instance" / "status.sqlite3"


def _config(tmp_path, checks_toml, probe_toml=""):
    text = SHIPPED.read_text(encoding="utf-8").split("\n[probe]")[0]
    path = tmp_path / "status.toml"
    path.write_text(text + "\n" + probe_toml + "\n" + checks_toml, encoding="utf-8")
    return load_config(path)


GOOD = """
[[checks]]
id = "ok-one"
kind = "http"
environment = "production"
component = "prod-oidc"
url = "https://broker.example/idp/profile/oidc/authorize"
"""


@pytest.mark.parametrize(
    "check, expected",
    [
        (
            'id = "a"\nkind = "ping"\nenvironment = "production"\ncomponent = "prod-oidc"\nurl = "https://x.example"',
            "check a: kind must be one of",
        ),
        (
            'id = "b"\nkind = "http"\nenvironment = "staging"\ncomponent = "prod-oidc"\nurl = "https://x.example"',
            "check b: environment must be production or test",
        ),
        (
            'id = "c"\nkind = "http"\nenvironment = "test"\ncomponent = "nope"\nurl = "https://x.example"',
            "check c: unknown component nope",
        ),
        (
            'id = "d"\nkind = "oidc"\nenvironment = "test"\ncomponent = "test-oidc"\nurl = "https://x.example"',
            "check d: an oidc check needs 'issuer'",
        ),
        (
            'id = "e"\nkind = "saml"\nenvironment = "test"\ncomponent = "test-saml"\nurl = "ftp://x.example"',
            "check e: 'url' must be an http(s) address",
        ),
        (
            'id = "f"\nkind = "authsources"\nenvironment = "test"\nurl = "https://x.example"',
            "check f: 'sources' must map component ids",
        ),
        (
            'id = "g"\nkind = "http"\nenvironment = "test"\ncomponent = "test-oidc"\nurl = "https://x.example"\n'
            "timeout = 60\ninterval = 30",
            "check g: 'timeout' must be shorter than 'interval'",
        ),
    ],
)
def test_mistakes_are_named_with_the_check_id(tmp_path, check, expected):
    config = _config(tmp_path, GOOD + "\n[[checks]]\n" + check)
    problems = validate_checks(config)
    assert len(problems) == 1 and expected in problems[0], problems
    with pytest.raises(ConfigError, match=expected.split(": ", 1)[1][:20]):
        parse_checks(config)


def test_duplicate_ids_and_bad_thresholds_are_reported_together(tmp_path):
    config = _config(tmp_path, GOOD + GOOD, "[probe]\nfailures_to_down = 0")
    problems = validate_checks(config)
    assert any("'failures_to_down' must be a number above 0" in p for p in problems)
    assert any("duplicate check id ok-one" in p for p in problems)
