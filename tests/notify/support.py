"""Helpers of the e-mail tests: signing up through the form, reading links out of e-mails, writing notices."""

import re
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

from mpass_status import runtime
from mpass_status.notify.sender import Sender, store_of

ORIGIN = "https://status.mpass.example.fi"


def sign_up(client, address, lang="fi", **choices):
    """Posts the sign-up form as a browser on the site's own page does."""
    data = {"address": address, **choices}
    return client.post(f"/{lang}/subscribe/email", data=data, headers={"Origin": ORIGIN})


def send(app) -> int:
    """Runs one pass of the sender; returns how many e-mails the server accepted."""
    return Sender(app, store_of(app)).once()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link(message, kind: str) -> str:
    """Returns the path of the first link of an e-mail's text whose path holds /subscribe/<kind>/."""
    found = re.search(rf"https://\S+/subscribe/{kind}/\S+", text_of(message))
    assert found, text_of(message)
    return urlsplit(found.group(0)).path


def confirm(client, smtp, app, address, lang="fi"):
    """Signs address up, sends the confirmation and presses its button; returns the confirmation e-mail."""
    assert sign_up(client, address, lang).status_code == 303
    send(app)
    message = smtp.handler.to(address)[-1]
    assert client.post(link(message, "confirm")).status_code == 200
    return message


def write_notice(app, name: str, text: str) -> Path:
    """Writes a notice file into the site's folder and waits for nothing: the site rereads the folder each time."""
    path = Path(runtime.settings(app).notices_dir) / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


INCIDENT = """
    ---
    type: incident
    severity: down
    affected: [production]
    start: {start}
    title:
      fi: Kirjautuminen ei toimi
      sv: Inloggningen fungerar inte
    summary:
      fi: Selvitämme häiriötä.
      sv: Vi utreder störningen.
    updates:
      - time: {start}
        stage: investigating
        fi: Kirjautuminen tuotannossa ei toimi. Selvitämme syytä.
        sv: Inloggningen i produktionen fungerar inte. Vi utreder orsaken.
    ---
"""
