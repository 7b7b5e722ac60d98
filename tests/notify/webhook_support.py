"""Helpers of the webhook tests: subscribing a hook through the form, a sender on a clock the test moves, and the
secret read off the page that shows it once."""

import re
import time

from mpass_status.notify.sender import store_of
from mpass_status.notify.webhook_sender import WebhookSender
from mpass_status.notify.webhook_store import WebhookStore
from tests.notify.support import ORIGIN


class Clock:
    """A clock the test moves: a pass of the sender sees the time it says."""

    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def hooks_of(app) -> WebhookStore:
    return WebhookStore(store_of(app))


def sender(app, clock=time.time) -> WebhookSender:
    return WebhookSender(app, hooks_of(app), clock)


def subscribe(client, url, owner="it@palvelu.example", lang="fi", headers=None):
    """Posts the webhook form as a browser on the site's own page does."""
    data = {"url": url, "owner": owner}
    return client.post(
        f"/{lang}/subscribe/webhook/", data=data, headers={"Origin": ORIGIN} if headers is None else headers
    )


def confirmed_hook(app, receiver, url=None, owner="it@palvelu.example", lang="fi") -> tuple[str, str]:
    """Subscribes receiver's URL, lets the sender challenge it and shows the secret; returns the hook's page and
    its secret."""
    client = app.test_client()
    answer = subscribe(client, url or receiver.url, owner, lang)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    page = answer.headers["Location"]
    sender(app).once()
    shown = client.post(page + "/secret").get_data(as_text=True)
    found = re.search(r'id="secret"[^>]*value="([^"]+)"', shown)
    assert found, shown
    return page, found.group(1)
