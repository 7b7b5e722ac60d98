"""The webhook bodies, in Statuspage's webhook shape: `meta`, `page` and either `incident` or `component_update`
with `component`. The incident and the component are the status API's own (web/status_api.py), in the language
of the page the hook was subscribed on, so a receiver reads the same objects from the API and from a hook."""

import json
from datetime import UTC, datetime

from flask import Flask, url_for

from mpass_status import runtime
from mpass_status.notify.compose import _in_language
from mpass_status.notify.webhook_store import Hook
from mpass_status.status.states import State
from mpass_status.web.dates import iso_instant
from mpass_status.web.live import live_status
from mpass_status.web.status_api import PAGE_ID, _components, _notice_json


class Snapshot:
    """The live status at one moment, with the API's component objects in each language, read once a pass."""

    def __init__(self, app: Flask, now: float):
        self.app, self.config = app, runtime.config(app)
        self.now = datetime.fromtimestamp(now, UTC)
        with app.app_context():
            self.live = live_status(self.now, app=app)
        self._components: dict[str, list[dict]] = {}

    def statuses(self) -> dict[str, str]:
        """Returns each component's Statuspage status, leaving out those whose state is unknown (no verdict)."""
        return {
            component: found.statuspage_status
            for component, found in self.live.components.items()
            if found.state != State.UNKNOWN
        }

    def components(self, lang: str) -> list[dict]:
        """Returns the API's component objects in lang (inside _in_language)."""
        if lang not in self._components:
            self._components[lang] = _components(self.config, self.live, lang, self.now)
        return self._components[lang]

    def page(self) -> dict:
        """Returns the webhook's page object: the overall indicator and its description."""
        return {
            "id": PAGE_ID,
            "status_indicator": self.live.indicator,
            "status_description": self.live.description,
        }

    def incident(self, notice, lang: str) -> dict:
        """Returns a notice's body in lang as the API's incident, without meta."""
        with _in_language(self.app, lang):
            body = _notice_json(notice, self.config, lang, self.components(lang), self.now)
        return {"page": self.page(), "incident": body}

    def component_update(self, component: str, old: str, new: str, lang: str) -> dict:
        """Returns a component's change of status in lang, without meta."""
        with _in_language(self.app, lang):
            found = next(row for row in self.components(lang) if row["id"] == component)
        at = iso_instant(self.now, self.config.timezone)
        update = {
            "id": f"{component}-{self.now:%Y%m%dT%H%M%S%fZ}",
            "component_id": component,
            "component_type": "Component",
            "created_at": at,
            "old_status": old,
            "new_status": new,
        }
        return {"page": self.page(), "component_update": update, "component": found}


def with_meta(app: Flask, hook: Hook, body: dict) -> str:
    """Returns the JSON a hook receives: body with Statuspage's meta (where to unsubscribe, where the
    documentation is, when it was made) in the hook's language."""
    with _in_language(app, hook.lang):
        config = runtime.config(app)
        base, generated = config.base_url, iso_instant(datetime.now(UTC), config.timezone)
        documentation = base + url_for("webhooks.sign_up")
        # The operator's hooks end in the settings, not on a page.
        unsubscribe = None if hook.configured else base + url_for("webhooks.hook", token=hook.token)
    meta = {"unsubscribe": unsubscribe, "documentation": documentation, "generated_at": generated}
    return json.dumps({"meta": meta, **body})
