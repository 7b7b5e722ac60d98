"""The bilingual incident draft written when the checks find production newly down: pushed to a `drafts/…` branch
of STATUS_NOTICES_REMOTE when there is one, else (or when the push fails) a file in STATUS_DRAFTS. One outage,
named by when it began, is drafted once: a second pass, process or alert retry finds the branch or file there."""

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.lists import format_list
from flask import Flask, render_template
from flask_babel import force_locale

from mpass_status import runtime
from mpass_status.files import write_atomically
from mpass_status.notices.history import GitError
from mpass_status.notices.sync import shown_remote
from mpass_status.notify.draft_branch import draft_branch, push_draft
from mpass_status.status.evaluate import production_parts
from mpass_status.status.states import State
from mpass_status.web.labels import component_label, reason_text

log = logging.getLogger(__name__)
SLUG = "tuotannon-hairio"
# The alerts' state keeps the file name of the outage drafted under this route name (no group or component id).
DRAFTED = "(draft)"


def production_down(app: Flask, changes: Iterable) -> list:
    """Returns the changes that say a part of the broker itself in production is down."""
    parts = production_parts(runtime.config(app))
    return [c for c in changes if c.kind != "resolved" and c.state == State.DOWN and c.component in parts]


def render_draft(app: Flask, down: list, now: float) -> tuple[str, str]:
    """Returns the file name and text of the draft for the parts down, named by when the first of them went down."""
    config = runtime.config(app)
    began = min((c.since for c in down if c.since), default=None) or datetime.fromtimestamp(now, UTC)
    start = began.astimezone(config.timezone)
    values = {"found": f"{datetime.fromtimestamp(now, UTC):%Y-%m-%d %H:%M}", "start": f"{start:%Y-%m-%d %H:%M}"}
    values["affected"] = [c.component for c in down]
    with app.test_request_context("/", base_url=config.base_url):
        for lang in ("fi", "sv"):
            with force_locale(lang):
                values.setdefault("parts", {})[lang] = format_list(
                    [component_label(config, c.component, lang) for c in down], locale=lang
                )
                values.setdefault("reasons", {})[lang] = "; ".join(
                    dict.fromkeys(reason_text(c.code, c.params) for c in down)
                )
        text = render_template("notify/draft.md", **values)
    return f"{start:%Y-%m-%d}-{SLUG}-{start:%H%M}.md", text


def draft_lines(app: Flask, state, told: dict, every: list, new: list, now: float) -> str:
    """Returns the alert's lines pointing to the draft of the production outage, drafting it when new (the changes
    newly told) names a production part down. Drafted once an outage: its name is kept in the alerts' state
    (every: the components in trouble now) until no production part is down or degraded."""
    drafted = told.get(DRAFTED, {}).get("outage")
    if drafted and not any(c.component in production_parts(runtime.config(app)) for c in every):
        state.record(DRAFTED, {"outage": None}, now)
        return ""
    if not production_down(app, new):
        return ""
    name, text = render_draft(app, production_down(app, every), now)
    if drafted:
        name = drafted[0]
    else:
        state.record(DRAFTED, {"outage": name}, now)
    try:
        return place_draft(app, name, text)
    except OSError as exc:  # a drafts folder that cannot be written must not keep the alert from going out
        log.error("incident draft not written: %s", exc)
        return f"The incident draft could not be written: {exc}"


def place_draft(app: Flask, name: str, text: str) -> str:
    """Pushes the draft to its branch, or writes it to the drafts folder, unless it is there already; returns the
    alert's lines that point to it."""
    settings = runtime.settings(app)
    remote = settings.notices_remote
    failed = ""
    if remote:
        # Beside the sync's mirror of the notices repository (instance/notices.git), never inside it.
        mirror = (settings.notices_mirror or Path(app.instance_path) / "notices.git").with_name("drafts.git")
        branch = draft_branch(name)
        try:
            if not push_draft(remote, settings.notices_branch, settings.notices_remote_path, mirror, name, text):
                log.info("draft %s was pushed before", branch)
            where = f"branch {branch} of {shown_remote(remote)} ({settings.notices_remote_path}/{name})"
            link = settings.drafts_link.replace("{branch}", branch) if settings.drafts_link else ""
            return f"A drafted incident notice for the staff to check and merge: {where}" + (
                f"\nCompare and merge it: {link}" if link else ""
            )
        except GitError as exc:
            said = str(exc).replace(remote, shown_remote(remote))  # never a token of the remote's URL
            log.warning("draft not pushed to %s; written to the drafts folder instead: %s", shown_remote(remote), said)
            failed = f"\n(Pushing it to {branch} failed: {said})"
    folder = settings.drafts_dir or Path(app.instance_path) / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():  # the staff may be editing the one written by an earlier pass
        write_atomically(path, text.encode())
    return f"A drafted incident notice for the staff to check and publish: {path}{failed}"
