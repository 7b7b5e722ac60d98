"""`flask webhooks`: the operator's view of the webhooks (list), enabling a disabled one again (enable URL), and
the signing secret of a hook of STATUS_WEBHOOKS (secret URL), which no page shows."""

from datetime import UTC, datetime

import click
from flask import Flask

from mpass_status.notify.sender import store_of
from mpass_status.notify.webhook_store import WebhookStore


def _store(app: Flask) -> WebhookStore:
    store = store_of(app)
    if store is None:
        raise click.ClickException("webhooks are offered where e-mail is: set STATUS_SMTP_URL and STATUS_MAIL_FROM")
    return WebhookStore(store)


def _when(at: float | None) -> str:
    return f"{datetime.fromtimestamp(at, UTC):%Y-%m-%d %H:%M} UTC" if at else "-"


def init_app(app: Flask) -> None:
    """Registers the `flask webhooks` commands."""

    @app.cli.group("webhooks")
    def webhooks():
        """The webhooks: list them, enable a disabled one, print an operator's hook's secret."""

    @webhooks.command("list")
    def list_command():
        """Lists every hook with its state."""
        for hook in _store(app).hooks():
            if hook.disabled:
                state = f"disabled {_when(hook.disabled_at)}: {hook.disabled}"
            elif hook.confirmed:
                state = f"confirmed {_when(hook.confirmed)}" + (
                    f", {hook.failures} failures in a row" if hook.failures else ""
                )
            else:
                state = "awaiting its challenge" + (f": {hook.challenge_failed}" if hook.challenge_failed else "")
            source = "settings" if hook.configured else "site"
            click.echo(f"{hook.url}\t{hook.owner}\t{source}\t{state}")

    @webhooks.command("enable")
    @click.argument("url")
    def enable_command(url):
        """Enables a disabled hook again; its next failures count from zero."""
        if not _store(app).enable(url):
            raise click.ClickException(f"no disabled webhook to {url}")
        click.echo(f"enabled {url}")

    @webhooks.command("secret")
    @click.argument("url")
    def secret_command(url):
        """Prints the signing secret of a hook of STATUS_WEBHOOKS, for its receiver's configuration."""
        found = next((h for h in _store(app).hooks() if h.url == url and h.configured), None)
        if found is None:
            raise click.ClickException(f"no webhook of STATUS_WEBHOOKS to {url} (run the sender once to add it)")
        click.echo(found.secret)
