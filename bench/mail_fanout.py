"""`make bench`, e-mail: one incident to 100,000 confirmed subscribers through `flask notify --watch` senders and
a stand-in SMTP server on loopback. Measures the time from the notice reaching the site to the first and to the
last e-mail handed to SMTP, and messages per second; kills a sender with SIGKILL mid-fan-out, starts it again,
and counts the subscribers who got nothing (lost) and those who got the incident twice (duplicates)."""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mpass_status.notify.store_sqlite import SQLiteSubscriptions
from mpass_status.standin.mail import MailSink

ROOT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).with_name("flask")
INCIDENT = """---
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
    fi: Kirjautuminen tuotannossa ei toimi.
    sv: Inloggningen i produktionen fungerar inte.
---
"""


def subscribe(database: Path, count: int) -> None:
    """Writes count confirmed subscribers straight into the store (the bench measures sending, not signing up)."""
    store, now = SQLiteSubscriptions(database), time.time()
    rows = (
        (
            f"opettaja{n}@koulu{n % 97}.example",
            f"opettaja{n}@koulu{n % 97}.example",
            "fi" if n % 4 else "sv",
            '{"components": [], "groups": [], "types": []}',
            "immediate",
            secrets.token_urlsafe(32),
            now,
            now,
        )
        for n in range(count)
    )
    with store._connect() as db:
        db.executemany(
            "INSERT INTO subscribers (address, address_key, lang, choices, cadence, manage_token, asked, confirmed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def sender(env: dict) -> subprocess.Popen:
    return subprocess.Popen([FLASK, "--app", "app", "notify", "--watch"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)


def wait(condition, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(step)
    return condition()


def main(argv=None) -> None:
    """Runs the fan-out bench and prints its figures."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="mpass-mail-bench-"))
    notices, database = folder / "notices", folder / "status.sqlite3"
    notices.mkdir()
    subscribe(database, args.subscribers)
    sink = MailSink()
    env = {
        **os.environ,
        "STATUS_NOTICES": str(notices),
        "STATUS_DATABASE": str(database),
        "STATUS_SMTP_URL": sink.url,
        "STATUS_MAIL_FROM": "MPASSid <status@mpass.example.fi>",
        "STATUS_MAIL_LEASE_SECONDS": "30",
        "STATUS_PROBE": "0",
    }
    senders = [sender(env) for _ in range(args.senders)]
    store = SQLiteSubscriptions(database)
    try:
        if not wait(lambda: "#start" in store.seen(), 60):
            raise SystemExit("the senders did not start")
        start = datetime.now(ZoneInfo("Europe/Helsinki")) - timedelta(minutes=1)
        (notices / f"{start:%Y-%m-%d}-kirjautuminen.md").write_text(
            INCIDENT.format(start=f"{start:%Y-%m-%d %H:%M}"), encoding="utf-8"
        )
        written = time.monotonic()
        wait(lambda: sink.received, 60, 0.01)
        first = time.monotonic() - written
        # SIGKILL one sender a third of the way through, and start it again.
        wait(lambda: len(sink.received) >= args.subscribers // 3, args.timeout)
        senders[0].send_signal(signal.SIGKILL)
        senders[0].wait()
        killed_at = len(sink.received)
        senders[0] = sender(env)
        wait(lambda: len({r for r, _ in sink.received}) >= args.subscribers, args.timeout, 0.2)
        last = time.monotonic() - written
        wait(lambda: store.counts()["queued"] == 0, 60, 0.2)
    finally:
        for proc in senders:
            proc.terminate()
            proc.wait(10)
        sink.stop()
    with sink.lock:
        received = list(sink.received)
    per_address = Counter(r for r, _ in received)
    distinct = Counter(r for r, _ in set(received))
    lost = args.subscribers - len(per_address)
    duplicates = sum(n - 1 for n in distinct.values())
    resent = sum(n - 1 for n in per_address.values()) - duplicates
    print(f"e-mail fan-out: {args.subscribers:,} confirmed subscribers, {args.senders} senders, one incident")
    print(f"  first e-mail handed to SMTP {first:.1f} s after the notice reached the site (target 10 s)")
    print(f"  last {last:.1f} s after it (target 300 s): {args.subscribers / (last - first):.0f} e-mails/s")
    print(f"  SIGKILL of a sender after {killed_at:,} e-mails: {lost} lost, {duplicates} duplicates (both must be 0),")
    print(f"  {resent} in flight at the kill handed over again with the same Message-ID")


if __name__ == "__main__":
    main()
