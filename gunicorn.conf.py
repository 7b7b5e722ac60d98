"""gunicorn settings for the status site: `gunicorn 'app:create_app()'` reads this file from here."""

import os

from gunicorn import sock

from app import create_app
from mpass_status import runtime

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads keep connections alive between requests (the sync worker closes each one), which doubles
# what a pair of workers serves from the page cache when readers and feed pollers rush in. Four threads, not
# two: py-spy under wrk found the app itself at 5 % of a worker's time and gunicorn's hand-back of each
# finished connection to its main loop (a byte written to a pipe) at a quarter; with more threads finishing
# at once, one wake-up of that loop can take several back. Measured side by side, 2 vs 4 threads, twenty
# 1-second wrk -c32 windows a page: 19-27 % more requests a second on the front page, archive, RSS feed and
# status API, as steady (10th percentile 0.89-0.94 of the median); 8 threads gave no more, 16 less.
worker_class = "gthread"
threads = 4
keepalive = 5
# Each worker listens on a socket of its own and the kernel spreads new connections evenly over them. On one
# shared socket the worker that wakes first accepts a whole burst (30 of 32 connections were seen), and with
# one worker a core the site then answers at half its rate: the dips `make bench` measured (docs/performance.md).
reuse_port = True
# A page never waits on the broker, so a request that takes this long is stuck: restart the worker.
timeout = 30
accesslog = "-" if os.environ.get("ACCESS_LOG") else None


def on_starting(server):
    """Stops gunicorn before any worker starts when the site configuration has a mistake.

    A worker that fails to build the app would only be restarted again and again; reading the
    configuration here ends the whole server with the same `status.toml:LINE: message` lines.
    """
    # Neither the prober nor the exporter is started here: this is the arbiter, and the workers fork from it
    # (a lock taken here would be held by every worker's copy of it).
    create_app({"PROBE_IN_BACKGROUND": False, "EXPORT_DIR": None})
    # Each worker binds a socket of its own (reuse_port); binding once here too makes an address in use stop
    # gunicorn at once ("Connection in use"), as it does without reuse_port, instead of failing every worker.
    sock.close_sockets(sock.create_sockets(server.cfg, server.log), unlink=False)


def post_worker_init(worker):
    """Loads the notices before the worker takes its first request, not during it."""
    runtime.notices(worker.wsgi)
