"""`python -m mpass_status.standin`: serves a production and a test stand-in broker until interrupted."""

import argparse
import threading
from pathlib import Path

from mpass_status.standin.broker import StandinBroker
from mpass_status.standin.config import write_standin_config
from mpass_status.standin.mail import MailSink
from mpass_status.standin.reference import StandinReference


def main(argv=None):
    """Serves a production and a test stand-in broker and optionally writes a config pointing at them."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--write-config", help="write a status TOML pointing at the stand-ins")
    parser.add_argument("--database", help="results database path for that config")
    parser.add_argument("--mail-dir", help="also serve a stand-in SMTP server keeping e-mails in this Maildir")
    parser.add_argument("--mail-port", type=int, default=8025, help="the stand-in SMTP server's port")
    args = parser.parse_args(argv)
    sink = MailSink(Path(args.mail_dir), args.mail_port) if args.mail_dir else None
    if sink:
        print(
            f"stand-in SMTP server: {sink.url}; the e-mails it caught are in {args.mail_dir} (a Maildir: "
            f"`mutt -f {args.mail_dir}`, or the files under {args.mail_dir}/new)",
            flush=True,
        )
    production, test = StandinBroker(), StandinBroker()
    # Two stand-ins for the outside world: the demo's own network is up while they answer.
    references = [StandinReference(), StandinReference()]
    print(f"production stand-in broker: {production.base_url} (TLS {production.tls_url})", flush=True)
    print(f"test stand-in broker: {test.base_url} (TLS {test.tls_url})", flush=True)
    print(f"switch faults with {production.base_url}/_standin/fault?metadata=500", flush=True)
    if args.write_config:
        probe = {"database": args.database} if args.database else None
        write_standin_config(args.write_config, production, test, probe=probe, references=references)
        print(f"configuration written to {args.write_config}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        production.stop()
        test.stop()
        if sink:
            sink.stop()
        for reference in references:
            reference.stop()


if __name__ == "__main__":
    main()
