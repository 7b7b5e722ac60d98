"""The sender against a real SMTP server that fails: a temporary refusal is retried later, permanent ones stop
the mail to an address and say why, a slow server is waited for, a dropped connection is opened again, and
one connection carries many e-mails."""

import time

from mpass_status.notify.sender import deliver, store_of
from mpass_status.notify.smtp import Connection, Target
from mpass_status.notify.store import MAX_ATTEMPTS, STOP_AFTER
from tests.notify.support import confirm, send, sign_up


def confirmed(app, smtp, *addresses):
    client = app.test_client()
    send(app)
    for address in addresses:
        confirm(client, smtp, app, address)
    return client


def test_a_temporary_refusal_is_retried_later_and_then_sent_once(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    smtp.handler.refuse["harmaa@koulu.example"] = "451 4.7.1 Try again later"
    sign_up(client, "harmaa@koulu.example")
    store = store_of(app)
    assert send(app) == 0 and store.counts()["queued"] == 1
    # Not due again at once: the row waits its backoff.
    assert send(app) == 0 and smtp.handler.messages == []
    del smtp.handler.refuse["harmaa@koulu.example"]
    connection = Connection(Target.from_url(smtp.url))
    later = time.time() + 31
    assert deliver(app, store, connection, clock=lambda: later) == 1
    assert deliver(app, store, connection, clock=lambda: later + 3600) == 0
    connection.close()
    assert len(smtp.handler.to("harmaa@koulu.example")) == 1 and store.counts()["sent"] == 1


def test_a_row_is_given_up_after_its_last_attempt(mail_site, smtp):
    app = mail_site()
    smtp.handler.refuse["harmaa@koulu.example"] = "421 4.3.2 Service shutting down"
    sign_up(app.test_client(), "harmaa@koulu.example")
    store, connection, at = store_of(app), Connection(Target.from_url(smtp.url)), time.time()
    for _ in range(MAX_ATTEMPTS):
        deliver(app, store, connection, clock=lambda at=at: at)
        at += 3601
    connection.close()
    assert store.counts()["failed"] == 1 and store.counts()["queued"] == 0


def test_permanent_refusals_stop_the_mail_to_an_address_and_say_why(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    refusal = "550 5.1.1 Mailbox does not exist"
    smtp.handler.refuse["poissa@koulu.example"] = refusal
    for _ in range(STOP_AFTER):
        sign_up(client, "poissa@koulu.example")
        send(app)
    store = store_of(app)
    assert store.stopped_reason("poissa@koulu.example") == refusal
    assert store.counts()["stopped"] == 1 and store.counts()["failed"] == STOP_AFTER
    # A stopped address is sent nothing more, whatever is queued for it.
    del smtp.handler.refuse["poissa@koulu.example"]
    assert send(app) == 0 and smtp.handler.messages == []


def test_one_connection_carries_many_e_mails_and_a_dropped_one_is_opened_again(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    for n in range(5):
        sign_up(client, f"opettaja{n}@koulu.example")
    assert send(app) == 5 and smtp.handler.sessions == 1
    for n in range(5, 8):
        sign_up(client, f"opettaja{n}@koulu.example")
    smtp.handler.drop_next = 1
    assert send(app) == 3 and smtp.handler.sessions == 3
    assert all(len(smtp.handler.to(f"opettaja{n}@koulu.example")) == 1 for n in range(8))


def test_a_slow_server_is_waited_for_and_one_slower_than_the_timeout_defers(mail_site, smtp):
    app = mail_site()
    client = app.test_client()
    sign_up(client, "hidas@koulu.example")
    smtp.handler.data_delay = 0.5
    store = store_of(app)
    too_short = Connection(Target.from_url(smtp.url), timeout=0.1)
    assert deliver(app, store, too_short) == 0
    too_short.close()
    assert store.counts()["queued"] == 1 and store.counts()["failed"] == 0
    patient = Connection(Target.from_url(smtp.url), timeout=5)
    assert deliver(app, store, patient, clock=lambda: time.time() + 31) == 1
    patient.close()
