"""The operator's own hooks (STATUS_WEBHOOKS): challenged like any other, their secret printed by `flask webhooks
secret`, listed by `flask webhooks list`, deleted when the setting drops them, and a URL the site would not send
to stops the start with the setting's name."""

import hashlib
import hmac
import time

import pytest

from mpass_status.config.settings import SettingsError
from tests.notify.webhook_receiver import Receiver
from tests.notify.webhook_support import Clock, hooks_of, sender


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


def test_an_operators_hook_is_challenged_signed_with_its_printed_secret_and_dropped_with_the_setting(
    mail_site, receiver, tmp_path
):
    database = str(tmp_path / "status.sqlite3")
    app = mail_site(WEBHOOK_LOOPBACK=True, DATABASE=database, WEBHOOKS=f"ops@palvelu.example {receiver.url}")
    assert sender(app).once() == 1 and len(receiver.of("url_verification")) == 1
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["webhooks", "list"])
    assert listed.exit_code == 0 and f"{receiver.url}\tops@palvelu.example\tsettings\tconfirmed" in listed.output
    secret = runner.invoke(args=["webhooks", "secret", receiver.url]).output.strip()
    assert hooks_of(app).fan_out("an-event", lambda hook: '{"meta": {}}', time.time()) == 1
    sender(app).once()
    (delivery,) = receiver.of("incident")
    signed = delivery.headers["X-MPASSid-Timestamp"].encode() + b"." + delivery.body
    assert (
        delivery.headers["X-MPASSid-Signature"]
        == "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    )
    # No page shows an operator's hook, and no page removes it.
    assert runner.invoke(args=["webhooks", "enable", receiver.url]).exit_code != 0
    without = mail_site(WEBHOOK_LOOPBACK=True, DATABASE=database)
    sender(without).once()
    assert hooks_of(without).hooks() == []


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("ops@palvelu.example https://10.0.0.1/hook", SettingsError),
        ("ops@palvelu.example http://hooks.example.fi/hook", SettingsError),
        # Read with the settings: the start ends with the one line naming it.
        ("https://hooks.example.fi/hook", SystemExit),
        ("ops@palvelu.example https://a.example.fi/hook extra", SystemExit),
    ],
)
def test_a_hook_the_site_would_not_send_to_stops_the_start_naming_the_setting(mail_site, value, error):
    with pytest.raises(error, match="STATUS_WEBHOOKS|WEBHOOKS"):
        mail_site(WEBHOOKS=value)


def test_an_operators_hook_keeps_its_secret_and_is_challenged_again_hourly_until_it_answers(mail_site, receiver):
    app = mail_site(WEBHOOK_LOOPBACK=True, WEBHOOKS=f"ops@palvelu.example {receiver.url}")
    receiver.script = ["wrong"]
    clock = Clock()
    hooks = sender(app, clock)
    assert hooks.once() == 0
    (first,) = hooks_of(app).hooks()
    assert first.confirmed is None and first.challenge_failed == "the answer did not hold the challenge"
    clock.now += 600
    assert hooks.once() == 0 and len(receiver.of("url_verification")) == 1
    # Nor is it deleted with the site's unconfirmed hooks: its secret is in the receiver's configuration.
    hooks_of(app).expire(clock.now + 3 * 24 * 3600)
    clock.now += 3600
    assert hooks.once() == 1 and len(receiver.of("url_verification")) == 2
    (found,) = hooks_of(app).hooks()
    assert found.confirmed is not None and found.secret == first.secret
