"""`flask notify`: one pass of the e-mail sender (expire, fan out, deliver), or `--watch` to run it as a service
of its own beside a site started with STATUS_SEND=0."""

import threading

import click
from flask import Flask
from flask.cli import with_appcontext

from mpass_status.notify.sender import Sender, store_of


def init_app(app: Flask) -> None:
    """Registers the `flask notify` command."""

    @app.cli.command("notify")
    @click.option("--watch", "keep_watching", is_flag=True, help="Keep sending until interrupted.")
    @with_appcontext
    def notify_command(keep_watching):
        """Sends the e-mails that are due to subscribers (or keeps sending with --watch)."""
        store = store_of(app)
        if store is None:
            raise click.ClickException(
                "e-mail subscriptions are off: set STATUS_SMTP_URL and STATUS_MAIL_FROM (and keep the results in a"
                " SQLite file)"
            )
        sender = Sender(app, store)
        if not keep_watching:
            accepted = sender.once()
            click.echo(f"{accepted} e-mails handed to the SMTP server; {store.counts()}")
            return
        stop = threading.Event()
        try:
            sender.watch(stop)
        except KeyboardInterrupt:
            stop.set()
