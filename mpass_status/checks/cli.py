"""The `flask probe` command: one round of checks printed as a table, or `--watch` to keep checking.

The command is given the configuration and a way to open the results store by create_app; it never
reaches into the app.
"""

import threading
from collections.abc import Callable

import click

from mpass_status.checks.runner import run_round
from mpass_status.checks.scheduler import STANDBY_SECONDS, watch
from mpass_status.checks.store import ResultsStore, StorageError
from mpass_status.config import SiteConfig
from mpass_status.standby import hold_or_stand_by


def format_table(results) -> str:
    """Returns results as a plain text table for the terminal."""
    rows = [("CHECK", "COMPONENT", "OUTCOME", "MS", "REASON")]
    # The operator sees the broker's own words too, which the public pages keep to the component page.
    rows += [
        (
            r.check_id,
            r.component,
            r.outcome,
            "" if r.response_ms is None else str(r.response_ms),
            r.reason + (f" ({r.params['detail']})" if r.params.get("detail") else ""),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows)


def command(config: SiteConfig, open_store: Callable[[], ResultsStore]) -> click.Command:
    """Returns the `flask probe` command checking config's broker into the store open_store() returns."""

    @click.command("probe")
    @click.option("--watch", "keep_watching", is_flag=True, help="Run checks at their intervals until interrupted.")
    def probe_command(keep_watching):
        """Runs one round of broker checks and prints the results (or keeps running with --watch)."""
        db = open_store()
        if not keep_watching:
            try:
                click.echo(format_table(run_round(config, db)))
            except StorageError as exc:
                raise click.ClickException(f"cannot store the round in {db.name}: {exc}") from None
            return
        stop, lock = threading.Event(), db.prober_lock()

        def probe() -> None:
            watch(
                config,
                db,
                stop,
                on_round=lambda results: click.echo(format_table(results) + "\n"),
                on_error=lambda text: click.echo(f"error: {text}", err=True),
                lock=lock,
            )
            if not config.checks:
                stop.set()  # nothing to check; otherwise watch returned having lost the lock: ask for it again

        def waiting() -> None:
            # Another prober (a web server's, or another --watch) writes here: take over when it stops.
            click.echo(f"another prober is writing into {db.name}; waiting to take over", err=True)

        try:
            hold_or_stand_by(lock, probe, stop, STANDBY_SECONDS, on_wait=waiting)
        except KeyboardInterrupt:
            stop.set()

    return probe_command


def init_app(app, config: SiteConfig, open_store: Callable[[], ResultsStore]) -> None:
    """Registers the `flask probe` command."""
    app.cli.add_command(command(config, open_store))
