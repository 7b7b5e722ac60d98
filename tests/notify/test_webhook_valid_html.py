"""The webhook pages (the form, its mistakes, a hook awaiting its challenge, refused, confirmed, its secret, removed,
disabled) and the HTML of the owner's e-mail are valid HTML to the W3C Nu checker, in both languages."""

import pytest

from mpass_status.notify.webhook_mail import disabled_mail
from tests.helpers import nu_check
from tests.notify.support import ORIGIN
from tests.notify.webhook_receiver import Receiver
from tests.notify.webhook_support import hooks_of, sender, subscribe


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.mark.slow  # the checker starts a Java virtual machine
def test_the_webhook_pages_and_the_owners_e_mail_are_valid_html(mail_site, receiver, tmp_path):
    app = mail_site(WEBHOOK_LOOPBACK=True, WEBHOOK_TIMEOUT_SECONDS=1)
    client, pages = app.test_client(), {}
    for lang in ("fi", "sv"):
        pages[f"form-{lang}"] = client.get(f"/{lang}/subscribe/webhook/").data
        pages[f"mistakes-{lang}"] = client.post(
            f"/{lang}/subscribe/webhook/", data={"url": "ftp://x", "owner": "ei osoite"}, headers={"Origin": ORIGIN}
        ).data
        refused = subscribe(client, f"{receiver.url}/{lang}/refused", owner=f"a-{lang}@palvelu.example", lang=lang)
        working = subscribe(client, f"{receiver.url}/{lang}/working", owner=f"b-{lang}@palvelu.example", lang=lang)
        pages[f"awaiting-{lang}"] = client.get(working.headers["Location"]).data
        receiver.script = ["wrong"]
        sender(app).once()
        pages[f"refused-{lang}"] = client.get(refused.headers["Location"]).data
        pages[f"confirmed-{lang}"] = client.get(working.headers["Location"]).data
        pages[f"secret-{lang}"] = client.post(working.headers["Location"] + "/secret").data
        pages[f"shown-{lang}"] = client.get(working.headers["Location"]).data
        pages[f"removed-{lang}"] = client.post(refused.headers["Location"] + "/remove").data
    hooks = hooks_of(app)
    with hooks._connect() as db:
        db.execute("UPDATE webhooks SET disabled = 'HTTP 500', disabled_at = 1")
    for hook in hooks.hooks():
        pages[f"disabled-{hook.lang}"] = client.get(f"/{hook.lang}/subscribe/webhook/{hook.token}").data
        pages[f"mail-{hook.lang}"] = disabled_mail(app, hook).get_payload()[1].get_payload(decode=True)
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_bytes(html)
    done = nu_check(tmp_path)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert len(pages) == 20
