"""nginx configurations the bench and the tests start nginx with: static folders, and a shared cache
(proxy_cache) in front of the app. Each runs in the foreground with everything in one temporary folder."""

import os
import pwd
from pathlib import Path

HEAD = """
user {user};
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
    uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
    types {{ text/html html; application/rss+xml rss; application/atom+xml atom; text/css css;
             application/json json; text/calendar ics; }}
    log_format cache '$upstream_cache_status $request_uri';
{servers}
}}
"""
STATIC = """
    server {{
        listen 127.0.0.1:{port};
        access_log off;
        root {root};
        index index.html;
    }}
"""
PROXY_CACHE = """
    proxy_cache_path {tmp}/cache keys_zone=status:1m;
    server {{
        listen 127.0.0.1:{port};
        access_log {tmp}/cache.log cache;
        location / {{
            proxy_pass {app};
            proxy_cache status;
            proxy_cache_lock on;
            proxy_cache_background_update on;
            proxy_cache_use_stale error timeout updating http_500 http_502 http_503;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
"""


def write_conf(tmp: Path, servers: list[str], workers: int = 2) -> Path:
    """Writes nginx.conf in tmp with the given server blocks; its workers run as this user (tmp is private)."""
    conf = tmp / "nginx.conf"
    user = pwd.getpwuid(os.geteuid()).pw_name
    conf.write_text(HEAD.format(user=user, workers=workers, tmp=tmp, servers="".join(servers)))
    return conf


def static_server(port: int, root: Path) -> str:
    """Returns a server block serving the folder root."""
    return STATIC.format(port=port, root=root)


def proxy_cache_server(tmp: Path, port: int, app: str) -> str:
    """Returns a server block keeping the app's answers in proxy_cache; its log ($tmp/cache.log) says HIT or MISS."""
    return PROXY_CACHE.format(tmp=tmp, port=port, app=app)
