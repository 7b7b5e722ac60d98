"""The subscription's pages with the form offered, and the HTML parts of the e-mails (confirmation, news, a
maintenance reminder, the checks' automatic notice and its follow-up), are valid HTML to the W3C Nu checker."""

import pytest

from mpass_status import runtime
from mpass_status.notify.choices import Choices
from mpass_status.notify.compose import automatic, news
from mpass_status.notify.store import Mail, Subscriber
from tests.helpers import nu_check
from tests.notify.support import ORIGIN, confirm, send, sign_up


def mail(kind: str, event: str, notice: str, lang: str = "fi") -> Mail:
    subscriber = Subscriber(1, "valvoja@koulu.example", lang, Choices(automatic=True), "T" * 43, 0.0, 0.0)
    return Mail(1, subscriber, event, kind, notice, "", 0)


@pytest.mark.slow  # the checker starts a Java virtual machine
def test_the_forms_and_the_e_mails_are_valid_html(mail_site, smtp, tmp_path):
    app = mail_site()
    client = app.test_client()
    pages = {}
    for lang in ("fi", "sv"):
        pages[f"subscribe-{lang}"] = client.get(f"/{lang}/subscribe/").data
        pages[f"mistake-{lang}"] = client.post(
            f"/{lang}/subscribe/email", data={"address": "ei osoite", "automatic": "yes"}, headers={"Origin": ORIGIN}
        ).data
        pages[f"privacy-{lang}"] = client.get(f"/{lang}/subscribe/privacy/").data
    send(app)
    confirmation = confirm(client, smtp, app, "valvoja@koulu.example")
    pages["confirm-mail"] = confirmation.get_body(("html",)).get_content().encode()
    assert sign_up(client, "toinen@koulu.example").status_code == 303
    notice = next(n for n in runtime.notices(app).notices if n.type == "maintenance")
    for lang in ("fi", "sv"):
        reminder = news(app, [mail("reminder", f"reminder:{notice.id}", notice.id, lang)])
        down = automatic(app, mail("auto-down", "auto-down:1796490000", "prod-oidc,prod-saml", lang))
        up = automatic(app, mail("auto-up", "auto-up:1796490000", "1796490900", lang))
        for name, message in (("reminder", reminder), ("down", down), ("up", up)):
            pages[f"{name}-mail-{lang}"] = message.get_payload()[1].get_payload(decode=True)
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_bytes(html)
    done = nu_check(tmp_path)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert len(pages) == 13
