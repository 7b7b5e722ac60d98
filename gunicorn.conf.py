"""gunicorn settings for the status site: `gunicorn 'app:create_app()'` reads this file from here."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads keep connections alive between requests (the sync worker closes each one), which doubles
# what a pair of workers serves from the page cache when readers and feed pollers rush in.
worker_class = "gthread"
threads = 2
keepalive = 5
# A page never waits on the broker, so a request that takes this long is stuck: restart the worker.
timeout = 30
accesslog = "-" if os.environ.get("ACCESS_LOG") else None


def post_worker_init(worker):
    """Loads the notices before the worker takes its first request, not during it."""
    store = getattr(worker.wsgi, "extensions", {}).get("notice_store")
    if store is not None:
        store.snapshot()
