"""What a hostile or careless visitor sends to the sign-up: header injection, overlong fields, forged origins,
made-up and replayed tokens, repeated sign-ups. Each gets a clear answer, and nothing is stored or sent."""

import sqlite3
import time

import pytest

from mpass_status import runtime
from mpass_status.notify.sender import store_of
from tests.notify.support import ORIGIN, confirm, link, send, sign_up

EMPTY = {"pending": 0, "confirmed": 0, "stopped": 0, "queued": 0, "sent": 0, "failed": 0}


@pytest.mark.parametrize(
    "address",
    [
        "opettaja@koulu.example\r\nBcc: kaikki@muualla.example",
        "opettaja@koulu.example\nSubject: hei",
        "opettaja@koulu.example, toinen@koulu.example",
        "Opettaja <opettaja@koulu.example>",
        "ei-osoite",
        "a@b",
        "x" * 250 + "@koulu.example",
        "",
    ],
)
def test_an_address_that_is_not_one_is_told_and_the_form_keeps_the_choices(mail_site, smtp, address):
    app = mail_site()
    client = app.test_client()
    answer = sign_up(client, address, types=["maintenance"], cadence="daily")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Kirjoita yksi sähköpostiosoite" in page
    assert 'value="maintenance" aria-describedby="types-hint" checked' in page
    assert 'id="cadence-daily" name="cadence" value="daily" checked' in page
    assert store_of(app).counts() == EMPTY
    assert send(app) == 0 and smtp.handler.messages == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://hyokkaaja.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": ORIGIN},
        {"Sec-Fetch-Site": "same-site", "Origin": ORIGIN},
    ],
)
def test_a_sign_up_sent_from_another_site_is_refused(mail_site, headers):
    app = mail_site()
    answer = app.test_client().post("/fi/subscribe/email", data={"address": "uhri@koulu.example"}, headers=headers)
    assert answer.status_code == 403
    assert store_of(app).counts() == EMPTY


def test_a_sign_up_from_the_sites_own_page_is_taken(mail_site):
    app = mail_site()
    headers = {"Sec-Fetch-Site": "same-origin"}
    answer = app.test_client().post("/sv/subscribe/email", data={"address": "lärare@skola.example"}, headers=headers)
    assert answer.status_code == 303 and store_of(app).counts()["pending"] == 1


def test_an_overlong_form_or_a_choice_not_offered_is_refused(mail_site):
    app = mail_site()
    client = app.test_client()
    assert sign_up(client, "a@koulu.example", types=["x" * 20000]).status_code == 413
    assert sign_up(client, "a@koulu.example", types=["outage"]).status_code == 400
    assert sign_up(client, "a@koulu.example", components=["production"] * 50).status_code == 400
    assert sign_up(client, "a@koulu.example", cadence="hourly").status_code == 400
    assert store_of(app).counts() == EMPTY


@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
@pytest.mark.parametrize("token", ["A" * 43, "lyhyt", "..%2F..%2Fetc", "A" * 65])
def test_a_made_up_token_opens_nothing(mail_site, kind, token):
    app = mail_site()
    client = app.test_client()
    # Unsubscribing is idempotent: its page and POST answer a well-formed token alike, known or not.
    expected = 200 if kind == "unsubscribe" and len(token) == 43 else 404
    assert client.get(f"/fi/subscribe/{kind}/{token}").status_code == expected
    assert client.post(f"/fi/subscribe/{kind}/{token}").status_code == expected


def test_signing_up_again_tells_nothing_and_changes_nothing_for_a_confirmed_address(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    send(app)
    confirm(client, smtp, app, "rehtori@koulu.example")
    before = len(smtp.handler.messages)
    again = sign_up(client, "REHTORI@koulu.example", types=["change"])
    fresh = sign_up(client, "uusi@koulu.example", types=["change"])
    assert again.status_code == fresh.status_code == 303 and again.headers["Location"] == fresh.headers["Location"]
    send(app)
    assert len(smtp.handler.messages) == before + 1 and smtp.handler.to("uusi@koulu.example")
    assert store_of(app).counts()["confirmed"] == 1 and store_of(app).counts()["pending"] == 1


def test_sign_ups_are_limited_per_address_and_per_client(mail_site):
    app = mail_site()
    client = app.test_client()
    assert [sign_up(client, "sama@koulu.example").status_code for _ in range(4)] == [303, 303, 303, 429]
    # The refused fourth counts for neither; ten from one client an hour, the eleventh is refused.
    other = [sign_up(client, f"osoite{n}@koulu.example").status_code for n in range(8)]
    assert other == [303] * 7 + [429]
    behind_proxy = {"Origin": ORIGIN, "X-Forwarded-For": "198.51.100.7"}
    answer = client.post("/fi/subscribe/email", data={"address": "kolmas@koulu.example"}, headers=behind_proxy)
    assert answer.status_code == 303


def test_a_pending_sign_up_expires_and_its_link_stops_working(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    sign_up(client, "myohassa@koulu.example")
    send(app)
    page = link(smtp.handler.to("myohassa@koulu.example")[0], "confirm")
    store = store_of(app)
    assert store.expire(time.time() + 49 * 3600) == 1
    assert client.get(page).status_code == 404 and client.post(page).status_code == 404
    assert store.counts() == EMPTY


def test_without_smtp_settings_the_form_says_so_and_nothing_is_stored(make_site):
    app = make_site()
    client = app.test_client()
    page = client.get("/fi/subscribe/").get_data(as_text=True)
    assert "Tiedotteita ei voi tilata tältä sivustolta sähköpostiin" in page and 'name="address"' not in page
    answer = client.post("/fi/subscribe/email", data={"address": "a@koulu.example"}, headers={"Origin": ORIGIN})
    assert answer.status_code == 404
    database = runtime.settings(app).database
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "subscribers" not in tables and "outbox" not in tables
    # The privacy statement is there in both languages whatever the settings.
    assert client.get("/sv/subscribe/privacy/").status_code == 200
