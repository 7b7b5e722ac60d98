"""Webhooks against a real receiver on loopback: the challenge confirms a hook, its secret is shown once, news
arrives signed in Statuspage's shape with the API's own incident, 500s and a hang are retried later and delivered
once, and a hook failing for hours is disabled, its owner told through a real SMTP server and the operator able
to enable it again."""

import hashlib
import hmac
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mpass_status.notify.webhook_store import DISABLE_FAILURES
from tests.notify.support import INCIDENT, text_of, write_notice
from tests.notify.webhook_receiver import Receiver
from tests.notify.webhook_support import Clock, confirmed_hook, hooks_of, sender, subscribe

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def hook_site(mail_site):
    return mail_site(WEBHOOK_LOOPBACK=True, WEBHOOK_TIMEOUT_SECONDS=1)


def incident(app, slug="kirjautuminen"):
    start = datetime.now(HELSINKI) - timedelta(minutes=5)
    return write_notice(app, f"{start:%Y-%m-%d}-{slug}.md", INCIDENT.format(start=f"{start:%Y-%m-%d %H:%M}"))


def signature(secret: str, request) -> str:
    signed = request.headers["X-MPASSid-Timestamp"].encode() + b"." + request.body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def test_the_challenge_confirms_a_hook_and_its_secret_is_shown_once(hook_site, receiver):
    client = hook_site.test_client()
    answer = subscribe(client, receiver.url)
    assert answer.status_code == 303
    page = answer.headers["Location"]
    assert "Odotetaan, että järjestelmäsi vastaa haasteeseen" in client.get(page).get_data(as_text=True)
    assert receiver.requests == []
    assert sender(hook_site).once() == 1
    (challenge,) = receiver.of("url_verification")
    assert challenge.json["type"] == "url_verification" and len(challenge.json["challenge"]) >= 32
    # The receiver has no secret yet: the challenge is not signed.
    assert "X-MPASSid-Signature" not in challenge.headers
    assert "Webhook on vahvistettu" in client.get(page).get_data(as_text=True)
    shown = client.post(page + "/secret").get_data(as_text=True)
    secret = re.search(r'id="secret"[^>]*value="([^"]+)"', shown).group(1)
    assert len(secret) >= 40 and secret == hooks_of(hook_site).hooks()[0].secret
    # Once only: a second press, or the page, shows it no more.
    again = client.post(page + "/secret")
    assert again.status_code == 303 and secret not in client.get(page).get_data(as_text=True)


def test_a_wrong_echo_confirms_nothing_and_a_new_challenge_can_be_sent(hook_site, receiver):
    client = hook_site.test_client()
    page = subscribe(client, receiver.url).headers["Location"]
    receiver.script = ["wrong"]
    assert sender(hook_site).once() == 0
    html = client.get(page).get_data(as_text=True)
    assert "Viimeisimpään haasteeseen ei vastattu oikein" in html and "did not hold the challenge" in html
    assert client.post(page + "/secret").status_code == 303 and hooks_of(hook_site).hooks()[0].confirmed is None
    # The incident of a hook not confirmed is not sent.
    incident(hook_site)
    sender(hook_site).once()
    assert receiver.of("incident") == []
    assert client.post(page + "/challenge").status_code == 303
    assert sender(hook_site).once() == 1 and hooks_of(hook_site).hooks()[0].confirmed is not None


def test_news_arrives_signed_in_statuspage_shape_with_the_apis_incident_once(hook_site, receiver):
    page, secret = confirmed_hook(hook_site, receiver)
    incident(hook_site)
    assert sender(hook_site).once() == 1
    (delivery,) = receiver.of("incident")
    assert delivery.headers["X-MPASSid-Signature"] == signature(secret, delivery)
    assert delivery.headers["Content-Type"] == "application/json" and delivery.path == "/hook"
    body = delivery.json
    assert set(body) == {"meta", "page", "incident"}
    assert body["page"]["id"] == "mpassid" and {"status_indicator", "status_description"} <= set(body["page"])
    api = hook_site.test_client().get("/api/v2/incidents.json?lang=fi").get_json()["incidents"]
    same = next(i for i in api if i["id"] == body["incident"]["id"])
    assert body["incident"]["name"] == "Kirjautuminen ei toimi" == same["name"]
    assert (
        body["incident"]["incident_updates"] == same["incident_updates"]
        and body["incident"]["status"] == "investigating"
    )
    assert body["meta"]["unsubscribe"].endswith(page)
    # Nothing twice: the next passes deliver nothing more.
    assert sender(hook_site).once() == 0 and sender(hook_site).once() == 0 and len(receiver.of("incident")) == 1


def test_500s_and_a_hang_are_retried_later_and_the_same_delivery_arrives_once(hook_site, receiver):
    confirmed_hook(hook_site, receiver)
    receiver.script = [500, ("hang", 3), 503]
    incident(hook_site)
    clock = Clock()
    hooks = sender(hook_site, clock)
    assert hooks.once() == 0 and len(receiver.of("incident")) == 1
    # Not due again at once: it waits its backoff, longer each time.
    assert hooks.once() == 0 and len(receiver.of("incident")) == 1
    for wait in (31, 61, 121):
        clock.now += wait
        hooks.once()
    tries = receiver.of("incident")
    assert len(tries) == 4 and hooks_of(hook_site).counts()["sent"] == 2
    assert len({t.body for t in tries}) == 1 and len({t.headers["X-MPASSid-Delivery"] for t in tries}) == 1
    assert hooks_of(hook_site).hooks()[0].failures == 0
    clock.now += 7200
    assert hooks.once() == 0 and len(receiver.of("incident")) == 4


def test_a_hook_failing_for_hours_is_disabled_its_owner_told_and_enabled_again(hook_site, receiver, smtp):
    confirmed_hook(hook_site, receiver)
    receiver.script = [500] * 30
    incident(hook_site)
    clock = Clock()
    hooks = sender(hook_site, clock)
    # Ten failures in a row within about three hours keep the hook: a receiver's bad afternoon is not the end.
    for attempt in range(DISABLE_FAILURES):
        hooks.once()
        clock.now += min(30 * 2**attempt, 3600) + 1
    assert hooks_of(hook_site).hooks()[0].disabled is None and smtp.handler.messages == []
    hooks.once()
    (hook,) = hooks_of(hook_site).hooks()
    assert hook.disabled == "11 failed attempts in a row, the last: HTTP 500"
    (mail,) = smtp.handler.to("it@palvelu.example")
    assert mail["Subject"] == f"MPASSid:n webhook osoitteeseen {receiver.url} poistettiin käytöstä"
    assert "Syy: 11 failed attempts in a row, the last: HTTP 500" in text_of(mail)
    assert "/fi/subscribe/webhook/" in text_of(mail)
    # Nothing more goes to it, and the owner is told once.
    receiver.script = []
    incident(hook_site, "toinen")
    clock.now += 3601
    hooks.once()
    assert len(receiver.of("incident")) == DISABLE_FAILURES + 1 and len(smtp.handler.messages) == 1
    result = hook_site.test_cli_runner().invoke(args=["webhooks", "enable", receiver.url])
    assert result.exit_code == 0, result.output
    incident(hook_site, "kolmas")
    clock.now += 1
    assert hooks.once() == 1
    assert receiver.of("incident")[-1].json["incident"]["id"].endswith("kolmas")


@pytest.mark.parametrize(
    ("lang", "link", "title"),
    [
        ("fi", "Tiedotteet omaan järjestelmääsi webhookilla", "Tilaa webhook"),
        ("sv", "Meddelandena till ditt eget system med en webhook", "Prenumerera med en webhook"),
    ],
)
def test_the_subscribe_page_links_the_webhook_form_where_e_mail_is_offered(mail_site, make_site, lang, link, title):
    client = mail_site().test_client()
    page = client.get(f"/{lang}/subscribe/").get_data(as_text=True)
    assert f'<a href="/{lang}/subscribe/webhook/">{link}</a>' in page
    form = client.get(f"/{lang}/subscribe/webhook/")
    assert form.status_code == 200 and f"<h1>{title}</h1>" in form.get_data(as_text=True)
    assert "no-store" in form.headers["Cache-Control"]
    without = make_site().test_client()
    assert f"/{lang}/subscribe/webhook/" not in without.get(f"/{lang}/subscribe/").get_data(as_text=True)
    assert without.get(f"/{lang}/subscribe/webhook/").status_code == 404


def test_the_receivers_check_in_the_deployment_guide_accepts_a_delivery_and_nothing_altered(hook_site, receiver):
    guide = (Path(__file__).parents[2] / "docs" / "deploying.md").read_text(encoding="utf-8")
    section = guide.split("## 6. Webhook subscriptions", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    found = {}
    # The guide's own example, run as a receiver would.
    exec(code, found)
    verify = found["verify"]
    _, secret = confirmed_hook(hook_site, receiver)
    incident(hook_site)
    sender(hook_site).once()
    (delivery,) = receiver.of("incident")
    assert verify(secret, delivery.headers, delivery.body)
    assert not verify(secret, delivery.headers, delivery.body + b" ")
    assert not verify("another secret", delivery.headers, delivery.body)
    old = dict(delivery.headers, **{"X-MPASSid-Timestamp": str(int(time.time()) - 301)})
    assert not verify(secret, old, delivery.body)
