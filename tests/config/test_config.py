"""status.toml: the shipped file is valid, and every mistake stops the site at start with its file and line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from mpass_status.config import ConfigError, load_config

from ..helpers import ROOT, SHIPPED_CONFIG


def test_shipped_configuration_is_valid_and_checks_the_real_brokers():
    config = load_config(SHIPPED_CONFIG)
    hosts = {c.url.split("/")[2] for c in config.checks}
    assert hosts == {"mpass-proxy.csc.fi", "mpass-proxy-test.csc.fi"}
    kinds = {(c.environment, c.kind) for c in config.checks}
    assert {("production", k) for k in ("oidc", "saml", "authsources", "tls", "http")} <= kinds
    assert {("test", k) for k in ("oidc", "saml", "tls", "http")} <= kinds
    paths = {c.url.split("/", 3)[3] if c.url.count("/") > 2 else "" for c in config.checks}
    assert {
        ".well-known/openid-configuration",
        "idp/shibboleth",
        "idp/profile/api/authnsources?lang=FI",
        "idp/profile/oidc/authorize",
    } <= paths
    probe = config.probe
    assert (probe.failures_to_down, probe.successes_to_up, probe.stale_after_intervals, probe.retention_days) == (
        3,
        2,
        3,
        90,
    )
    assert probe.database == SHIPPED_CONFIG.parent / "instance" / "status.sqlite3"


def _config(tmp_path, checks_toml, probe_toml=""):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").split("\n[probe]")[0]
    path = tmp_path / "status.toml"
    path.write_text(text + "\n" + probe_toml + "\n" + checks_toml, encoding="utf-8")
    return path


def _problems(path):
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def _line_of(path, text, after=0):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, row in enumerate(lines, start=1) if n > after and row.startswith(text))


GOOD = """
[[checks]]
id = "ok-one"
kind = "http"
environment = "production"
component = "prod-oidc"
url = "https://broker.example/idp/profile/oidc/authorize"
"""


@pytest.mark.parametrize(
    "check, expected, key",
    [
        (
            'id = "a"\nkind = "ping"\nenvironment = "production"\ncomponent = "prod-oidc"\nurl = "https://x.example"',
            "check a: kind must be one of http, oidc, saml, authsources, tls, not 'ping'",
            "kind",
        ),
        (
            'id = "b"\nkind = "http"\nenvironment = "staging"\ncomponent = "prod-oidc"\nurl = "https://x.example"',
            "check b: environment must be production or test",
            "environment",
        ),
        (
            'id = "c"\nkind = "http"\nenvironment = "test"\ncomponent = "nope"\nurl = "https://x.example"',
            "check c: unknown component nope",
            "component",
        ),
        (
            'id = "d"\nkind = "oidc"\nenvironment = "test"\ncomponent = "test-oidc"\nurl = "https://x.example"',
            "check d: an oidc check needs 'issuer'",
            "[[checks]]",
        ),
        (
            'id = "e"\nkind = "saml"\nenvironment = "test"\ncomponent = "test-saml"\nurl = "ftp://x.example"\n'
            'entity_id = "e"',
            "check e: 'url' must be an http(s) address",
            "url",
        ),
        (
            'id = "f"\nkind = "authsources"\nenvironment = "test"\nurl = "https://x.example"',
            "check f: 'sources' must map component ids",
            "[[checks]]",
        ),
        (
            'id = "g"\nkind = "http"\nenvironment = "test"\ncomponent = "test-oidc"\nurl = "https://x.example"\n'
            "timeout = 60\ninterval = 30",
            "check g: 'timeout' must be shorter than 'interval'",
            "timeout",
        ),
        (
            'id = "h"\nkind = "http"\nenvironment = "test"\ncomponent = "test-oidc"\nurl = "https://x.example"\n'
            "timout = 5",
            "check h: unknown setting 'timout'",
            "timout",
        ),
        (
            'id = "i"\nkind = "oidc"\nenvironment = "test"\ncomponent = "test-oidc"\nurl = "https://x.example"\n'
            'issuer = "https://x.example"\njwks_hosts = ["keys.example.fi:443"]',
            "check i: 'jwks_hosts' must list host names",
            "jwks_hosts",
        ),
        (
            'id = "j"\nkind = "http"\nenvironment = "test"\ncomponent = "test-oidc"\nurl = "https://x.example"\n'
            'jwks_hosts = ["keys.example.fi"]',
            "check j: 'jwks_hosts' belongs to an oidc check",
            "jwks_hosts",
        ),
    ],
)
def test_mistakes_are_named_with_the_check_id_at_their_line(tmp_path, check, expected, key):
    path = _config(tmp_path, GOOD + "\n[[checks]]\n" + check)
    problems = _problems(path)
    assert len(problems) == 1 and expected in problems[0].message, problems
    # The line of the key at fault, else the check's [[checks]] header.
    last_header = max(n for n, row in enumerate(path.read_text().splitlines(), 1) if row == "[[checks]]")
    assert problems[0].line == _line_of(path, key, after=last_header - 1)
    assert problems[0].path.endswith("status.toml") and not problems[0].warning


def test_every_mistake_is_reported_together_in_line_order(tmp_path):
    path = _config(tmp_path, GOOD + GOOD, "[probe]\nfailures_to_down = 0\n\n[prob]\nslow_ms = 1")
    problems = _problems(path)
    messages = [p.message for p in problems]
    assert any("'failures_to_down' must be a number above 0" in m for m in messages)
    assert any("duplicate check id ok-one" in m for m in messages)
    assert "unknown table [prob]" in messages
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert problems[0].line == _line_of(path, "failures_to_down")


def test_a_site_mistake_names_its_line(tmp_path):
    path = tmp_path / "status.toml"
    path.write_text(SHIPPED_CONFIG.read_text().replace('group = "sources"', 'group = "lahteet"', 1))
    (problem,) = _problems(path)
    assert problem.message == "component wilma: unknown group 'lahteet'"
    assert problem.line == _line_of(path, 'group = "lahteet"')


def test_toml_syntax_errors_name_their_line(tmp_path):
    path = tmp_path / "status.toml"
    path.write_text(SHIPPED_CONFIG.read_text().replace("failures_to_down = 3", "failures_to_down = = 3"))
    (problem,) = _problems(path)
    assert problem.line == _line_of(path, "failures_to_down") and "not valid TOML" in problem.message


def test_create_app_stops_with_the_problem_lines(tmp_path):
    path = tmp_path / "status.toml"
    path.write_text(SHIPPED_CONFIG.read_text().replace("timeout = 10", "timeout = 600", 1))
    line = _line_of(path, "timeout = 600")
    with pytest.raises(SystemExit) as stopped:
        create_app({"TESTING": True, "STATUS_CONFIG": str(path), "NOTICES_DIR": str(tmp_path)})
    assert str(stopped.value) == (
        f"{path}:{line}: check prod-oidc-discovery: 'timeout' must be shorter than 'interval'"
    )


FLASK = [sys.executable, "-m", "flask", "--app", "app"]
GUNICORN = [str(Path(sys.executable).parent / "gunicorn"), "app:create_app()"]


@pytest.mark.parametrize(
    "command",
    [FLASK + ["run", "--port", "0"], FLASK + ["notices", "check"], FLASK + ["probe"], FLASK + ["freeze"], GUNICORN],
    ids=["flask run", "flask notices check", "flask probe", "flask freeze", "gunicorn"],
)
def test_the_site_stops_at_start_with_path_and_line(tmp_path, command):
    path = tmp_path / "status.toml"
    path.write_text(SHIPPED_CONFIG.read_text().replace('kind = "saml"', 'kind = "sam1"', 1))
    line = _line_of(path, 'kind = "sam1"')
    env = dict(os.environ, STATUS_CONFIG=str(path), STATUS_DATABASE=str(tmp_path / "db.sqlite3"), BIND="127.0.0.1:0")
    # From the checkout, as make run and gunicorn (which reads ./gunicorn.conf.py) are started.
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"status.toml:{line}: check prod-saml-metadata: kind must be one of" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Booting worker" not in done.stderr


def test_a_groups_optional_texts_need_every_language_at_their_line(tmp_path):
    path = tmp_path / "status.toml"
    shipped = SHIPPED_CONFIG.read_text()
    path.write_text(shipped.replace('qualifier = { fi = "testi", sv = "test" }', 'qualifier = { fi = "testi" }', 1))
    (problem,) = _problems(path)
    assert problem.message == "group test: qualifier lacks sv"
    assert problem.line == _line_of(path, 'qualifier = { fi = "testi" }')
    path.write_text(shipped.replace('qualifier = { fi = "testi", sv = "test" }', 'qualifer = "testi"', 1))
    (problem,) = _problems(path)
    assert "qualifer" in problem.message and problem.line == _line_of(path, "qualifer")


def test_vantage_quorum_and_a_postgresql_database_are_read_and_checked_at_their_line(tmp_path):
    url = "postgresql://status@db.example.fi:5432/status"
    probe = load_config(_config(tmp_path, GOOD, f'[probe]\nvantage = "Espoo (Funet)"\nquorum = 2\ndatabase = "{url}"'))
    assert (probe.probe.vantage, probe.probe.quorum, probe.probe.database) == ("Espoo (Funet)", 2, url)
    path = _config(tmp_path, GOOD, '[probe]\nvantage = "a\\nb"\nquorum = -1')
    problems = _problems(path)
    assert [p.line for p in problems] == [_line_of(path, "vantage"), _line_of(path, "quorum")]
    assert "'vantage' must be a one-line name" in problems[0].message and "'quorum'" in problems[1].message
