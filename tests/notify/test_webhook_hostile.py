"""Hostile input to the webhook form and to delivery: only https to a public address, nothing overlong or with
credentials, no form from another site, no header smuggled in the owner's address, a name that resolves to a
private address refused when the delivery connects, and a redirect never followed."""

import socket
import threading
import time

import pytest

from mpass_status.notify.webhook_address import MAX_URL, Refused, resolve_public
from mpass_status.notify.webhook_http import post
from tests.notify.support import ORIGIN
from tests.notify.webhook_receiver import Receiver
from tests.notify.webhook_support import confirmed_hook, hooks_of, sender, subscribe


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.mark.parametrize(
    "url",
    [
        "http://status.example.fi/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:192.168.1.1]/hook",
        "https://localhost/hook",
        # The machine's own name resolves to 127.0.0.1: refused by what it resolves to, not by its spelling.
        "https://vm/hook",
        "https://user:password@hooks.example.fi/hook",
        "https://hooks.example.fi/hook#part",
        "https://hooks.example.fi/hook\r\nX-Evil: 1",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://hooks.example.fi/" + "a" * MAX_URL,
        "",
    ],
)
def test_the_form_takes_only_an_https_url_of_a_public_address(mail_site, url):
    app = mail_site()
    answer = subscribe(app.test_client(), url)
    assert answer.status_code == 400
    assert "Kirjoita yksi järjestelmäsi https://-osoite" in answer.get_data(as_text=True)
    assert hooks_of(app).hooks() == []


def test_a_header_cannot_be_smuggled_in_the_owners_address(mail_site, receiver):
    app = mail_site(WEBHOOK_LOOPBACK=True)
    answer = subscribe(app.test_client(), receiver.url, owner="it@palvelu.example\r\nBcc: kaikki@example.fi")
    assert answer.status_code == 400 and hooks_of(app).hooks() == []


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site", "Origin": ORIGIN}],
)
def test_a_form_sent_from_another_site_is_refused(mail_site, receiver, headers):
    app = mail_site(WEBHOOK_LOOPBACK=True)
    answer = subscribe(app.test_client(), receiver.url, headers=headers)
    assert answer.status_code == 403 and hooks_of(app).hooks() == []
    sender(app).once()
    assert receiver.requests == []


def test_sign_ups_are_limited_per_owner_and_a_confirmed_url_is_not_taken_over(mail_site, receiver):
    app = mail_site(WEBHOOK_LOOPBACK=True)
    client = app.test_client()
    for n in range(3):
        assert subscribe(client, f"{receiver.url}/{n}").status_code == 303
    assert subscribe(client, f"{receiver.url}/3").status_code == 429
    confirmed_hook(app, receiver, owner="toinen@palvelu.example")
    answer = subscribe(client, receiver.url, owner="kolmas@palvelu.example")
    assert answer.status_code == 409
    assert [h.owner for h in hooks_of(app).hooks() if h.url == receiver.url] == ["toinen@palvelu.example"]


def test_a_name_resolving_to_a_private_address_is_refused_when_the_delivery_connects(receiver):
    url = receiver.url.replace("127.0.0.1", "vm").replace("http:", "https:")
    with pytest.raises(Refused, match="vm resolves to 127.0.0.1"):
        resolve_public(url)
    outcome = post(url, b"{}", "incident", "x", "secret", timeout=1)
    assert not outcome.delivered and not outcome.retry and "not a public address" in outcome.reason
    assert receiver.requests == []


def test_a_stored_hook_is_checked_again_at_each_delivery(mail_site, receiver, tmp_path):
    database = str(tmp_path / "shared.sqlite3")
    development = mail_site(WEBHOOK_LOOPBACK=True, DATABASE=database)
    confirmed_hook(development, receiver)
    # The same database served where loopback is not allowed: the stored URL is refused, never requested.
    production = mail_site(DATABASE=database)
    hooks = hooks_of(production)
    assert hooks.fan_out("an-event", lambda hook: "{}", time.time()) == 1
    before = len(receiver.requests)
    assert sender(production).once() == 0
    assert len(receiver.requests) == before
    assert hooks.counts()["failed"] == 1 and hooks.hooks()[0].failures == 1


def test_a_redirect_is_not_followed(receiver):
    receiver.script = [302]
    outcome = post(receiver.url, b"{}", "incident", "x", "secret", timeout=1, loopback=True)
    assert not outcome.delivered and not outcome.retry and outcome.reason == "HTTP 302: redirects are not followed"
    assert len(receiver.requests) == 1


def test_an_answer_trickled_a_byte_at_a_time_is_a_failed_attempt_to_try_again():
    # Each byte comes well within the timeout of a read, the whole never within the timeout.
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n")
            while not stop.wait(0.2):
                try:
                    connection.sendall(b"x")
                except OSError:
                    return

    threading.Thread(target=trickle, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    outcome = post(url, b"{}", "incident", "x", "secret", timeout=1, loopback=True)
    stop.set()
    listener.close()
    assert not outcome.delivered and outcome.retry and outcome.reason == "answer not complete within 1 s"
