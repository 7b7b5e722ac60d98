"""`flask notify`: one pass of the e-mail sender (expire, fan out, deliver) and of the operator alerts, or
`--watch` to run them as a service of their own beside a site started with STATUS_SEND=0."""

import threading

import click
from flask import Flask
from flask.cli import with_appcontext

from mpass_status.notify.alerts import alerter
from mpass_status.notify.sender import Sender, store_of
from mpass_status.notify.webhook_sender import webhook_sender


def init_app(app: Flask) -> None:
    """Registers the `flask notify` command."""

    @app.cli.command("notify")
    @click.option("--watch", "keep_watching", is_flag=True, help="Keep sending until interrupted.")
    @with_appcontext
    def notify_command(keep_watching):
        """Sends the e-mails that are due and alerts the operator (or keeps doing so with --watch)."""
        store, alerts = store_of(app), alerter(app)
        if store is None and alerts is None:
            raise click.ClickException(
                "nothing to send: set STATUS_SMTP_URL and STATUS_MAIL_FROM for e-mail, STATUS_ALERT_URLS or [alerts]"
                " in status.toml for alerts"
            )
        sender = Sender(app, store) if store else None
        # Webhooks go where e-mail does, in a thread of their own: a receiver that hangs never holds up e-mail.
        hooks = webhook_sender(app)
        if not keep_watching:
            if sender:
                click.echo(f"{sender.once()} e-mails handed to the SMTP server; {store.counts()}")
            if hooks:
                click.echo(f"{hooks.once()} webhook deliveries accepted; {hooks.store.counts()}")
            if alerts:
                click.echo(f"{len(alerts.once())} changes told to the operator")
            return
        stop = threading.Event()
        if hooks:
            threading.Thread(target=hooks.watch, args=(stop,), name="webhooks", daemon=True).start()
        if alerts and sender:
            threading.Thread(target=alerts.watch, args=(stop,), name="operator-alerts", daemon=True).start()
        try:
            (sender or alerts).watch(stop)
        except KeyboardInterrupt:
            stop.set()
