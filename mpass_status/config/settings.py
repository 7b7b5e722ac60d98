"""The settings of one running site that are not in status.toml: where its files are, what it starts, the
secrets of its git hook. Each is declared once below, with its type, its default and the environment
variable that may set it.

Layered as Flask's tutorial does: the defaults here, then instance/config.py, then the environment, then a
test's own mapping. Every value is parsed with its type once, when the app is created: `STATUS_PROBE=maybe`
stops the start with one line naming the setting, never a prober started by a non-empty string.
"""

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# An empty value has always meant "off" (STATUS_PROBE= in a unit file, "" in instance/config.py).
_EMPTY = ("",)


class SettingsError(Exception):
    """A setting holds a value of the wrong kind; the message names the setting and what it takes."""


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE or text in _EMPTY:
        return False
    raise ValueError(f"write one of {', '.join(_TRUE)} to switch it on, or {', '.join(_FALSE)} to switch it off")


def _seconds(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("write a number of seconds, e.g. 2.5")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("write a number of seconds, e.g. 2.5") from None
    if not 0 <= number < float("inf"):
        raise ValueError("write a number of seconds of at least 0, e.g. 2.5")
    return number


def _count(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("write a whole number of at least 1, e.g. 20")
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValueError("write a whole number of at least 1, e.g. 20") from None
    if number < 1:
        raise ValueError("write a whole number of at least 1, e.g. 20")
    return number


def _path(value: Any) -> Path:
    text = str(value).strip() if isinstance(value, str | Path) else None
    if not text or "\0" in text:
        raise ValueError("write the path of a file or folder")
    return Path(text)


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # An empty value (STATUS_EXPORT=) means "not set", as it always has for these settings.
    return lambda value: None if value is None or (isinstance(value, str) and not value.strip()) else parse(value)


def _text(value: Any) -> str:
    if not isinstance(value, str | Path) or "\0" in str(value):
        raise ValueError("write it as text")
    return str(value).strip()


def _networks(value: Any) -> tuple:
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    try:
        return tuple(ipaddress.ip_network(str(item).strip(), strict=False) for item in items)
    except (TypeError, ValueError):
        raise ValueError("write addresses or networks separated by commas, e.g. 127.0.0.1, 10.0.0.0/8") from None


def _smtp_url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname or port == -1:
        raise ValueError("write smtp://host:25, smtp+starttls://user:password@host:587 or smtps://host:465")
    return text


def _mail_address(value: Any) -> str:
    text = _text(value)
    _, address = parseaddr(text)
    if not address or "@" not in address or any(c in text for c in "\r\n"):
        raise ValueError("write one address, e.g. MPASSid <status@mpass.fi>")
    return text


def _webhooks(value: Any) -> tuple[tuple[str, str], ...]:
    # "owner@example.fi https://receiver.example.fi/hook", entries separated by commas or line breaks; the URL
    # itself is checked by mpass_status/notify/webhook_address.py when the sender starts.
    items = value.replace(",", "\n").splitlines() if isinstance(value, str) else value
    found = []
    for item in items:
        words = str(item).split()
        if not words:
            continue
        if len(words) != 2 or "@" not in words[0] or "://" not in words[1] or "\0" in str(item):
            raise ValueError("write owner@example.fi https://receiver.example.fi/hook, entries separated by commas")
        found.append((words[1], words[0]))
    return tuple(found)


def _branch_link(value: Any) -> str:
    text = _text(value)
    if "{branch}" not in text or not text.startswith(("https://", "http://")):
        raise ValueError("write a forge address with {branch} in it, e.g. https://forge/o/r/compare/main...{branch}")
    return text


def _name(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("write a name, e.g. main")
    return text


@dataclass(frozen=True)
class Setting:
    """One setting: its key in app.config, its environment variable (if any), its parser and its default."""

    key: str
    parse: Callable[[Any], Any]
    default: Any
    env: str | None = None


# Every setting, in one place. The field of Settings is the key in lower case.
SETTINGS = (
    Setting("STATUS_CONFIG", _path, None, "STATUS_CONFIG"),  # None: status.toml beside app.py
    Setting("NOTICES_DIR", _path, None, "STATUS_NOTICES"),  # None: notices/ beside app.py
    # The results database: a SQLite file or a postgresql:// URL; None: the [probe] database of status.toml.
    Setting("DATABASE", _optional(_text), None, "STATUS_DATABASE"),
    # Starts the prober inside the web server (one per results database, whatever the number of workers).
    Setting("PROBE_IN_BACKGROUND", _flag, False, "STATUS_PROBE"),
    # Where this machine's prober runs, overriding [probe] vantage (several probers, one configuration).
    Setting("VANTAGE", _optional(_text), None, "STATUS_VANTAGE"),
    # A folder the site keeps as a live static export (one watcher per folder, like the prober).
    Setting("EXPORT_DIR", _optional(_path), None, "STATUS_EXPORT"),
    # Publishing from git (`flask notices sync`, POST /hooks/git): the repository, its branch, the folder in
    # it that holds the notices, the bare mirror fetched into (None: instance/notices.git), and the secret a
    # forge signs its push deliveries with.
    Setting("NOTICES_REMOTE", _optional(_text), None, "STATUS_NOTICES_REMOTE"),
    Setting("NOTICES_BRANCH", _name, "main", "STATUS_NOTICES_BRANCH"),
    Setting("NOTICES_REMOTE_PATH", _text, "notices", "STATUS_NOTICES_REMOTE_PATH"),
    Setting("NOTICES_MIRROR", _optional(_path), None),
    Setting("HOOK_SECRET", _optional(_text), None, "STATUS_HOOK_SECRET"),
    # A burst of pushes costs one sync at most this often.
    Setting("HOOK_MIN_SECONDS", _seconds, 5.0),
    # How often the notices folder is asked whether it changed.
    Setting("NOTICE_CHECK_SECONDS", _seconds, 2.0),
    # How often the results database is asked for its newest round (what makes live pages stale).
    Setting("STATUS_VERSION_SECONDS", _seconds, 1.0, "STATUS_VERSION_SECONDS"),
    Setting("NOTICES_PER_PAGE", _count, 20),
    # Who reads /readyz's reasons and detail (everyone else gets ready or not ready): the load balancer's and
    # the monitoring's addresses, and a token they may send as `Authorization: Bearer …` instead.
    Setting("READYZ_DETAIL_FROM", _networks, "127.0.0.1, ::1", "STATUS_READYZ_DETAIL_FROM"),
    Setting("READYZ_TOKEN", _optional(_text), None, "STATUS_READYZ_TOKEN"),
    # E-mail subscriptions (mpass_status/notify): the SMTP server mails are handed to and their sender. Without
    # both the subscribe page says e-mail subscriptions are not offered, and nothing is stored.
    Setting("SMTP_URL", _optional(_smtp_url), None, "STATUS_SMTP_URL"),
    Setting("MAIL_FROM", _optional(_mail_address), None, "STATUS_MAIL_FROM"),
    # Runs the e-mail sender inside the web server (0: `flask notify --watch` runs it as a service of its own).
    Setting("SEND_IN_BACKGROUND", _flag, True, "STATUS_SEND"),
    # How long a sender holds the e-mails it took; a sender killed meanwhile leaves them to the next after this.
    Setting("MAIL_LEASE_SECONDS", _seconds, 300.0, "STATUS_MAIL_LEASE_SECONDS"),
    # How long before a maintenance break starts the subscribers who chose a reminder get it.
    Setting("MAINTENANCE_REMINDER_SECONDS", _seconds, 24 * 3600.0, "STATUS_MAINTENANCE_REMINDER_SECONDS"),
    # How long the checks must find production down (by quorum) before the subscribers who chose it are told.
    Setting("AUTO_NOTICE_AFTER_SECONDS", _seconds, 300.0, "STATUS_AUTO_NOTICE_AFTER_SECONDS"),
    # DKIM signatures on the e-mails (notify/dkim.py): the private key's PEM file and its selector in the DNS of
    # STATUS_MAIL_FROM's domain; both or neither.
    Setting("DKIM_KEY", _optional(_path), None, "STATUS_DKIM_KEY"),
    Setting("DKIM_SELECTOR", _optional(_text), None, "STATUS_DKIM_SELECTOR"),
    # Webhooks (mpass_status/notify/webhook_*.py), offered where e-mail is: the operator's own hooks, each an
    # owner's address and an https URL; http:// and loopback addresses allowed (tests and development only); and
    # how long one delivery may take.
    Setting("WEBHOOKS", _webhooks, (), "STATUS_WEBHOOKS"),
    Setting("WEBHOOK_LOOPBACK", _flag, False, "STATUS_WEBHOOK_LOOPBACK"),
    Setting("WEBHOOK_TIMEOUT_SECONDS", _seconds, 10.0, "STATUS_WEBHOOK_TIMEOUT_SECONDS"),
    # Operator alerts (mpass_status/notify/alerts.py): Apprise URLs separated by spaces or commas (json://…,
    # mailto://…, msteams://…), and how often an alert that still holds is repeated.
    Setting("ALERT_URLS", _optional(_text), None, "STATUS_ALERT_URLS"),
    Setting("ALERT_REMINDER_SECONDS", _seconds, 3600.0, "STATUS_ALERT_REMINDER_SECONDS"),
    # Where a drafted incident notice is written when production is found down; None: instance/drafts.
    Setting("DRAFTS_DIR", _optional(_path), None, "STATUS_DRAFTS"),
    # With STATUS_NOTICES_REMOTE the draft is pushed to a drafts/… branch instead; this forge address, with
    # {branch} in it, is the link the alert gives (e.g. https://github.com/o/r/compare/main...{branch}?expand=1).
    Setting("DRAFTS_LINK", _optional(_branch_link), None, "STATUS_DRAFTS_LINK"),
)


@dataclass(frozen=True)
class Settings:
    """The parsed settings of one running site (see SETTINGS for what each means)."""

    status_config: Path
    notices_dir: Path
    database: str | None
    probe_in_background: bool
    vantage: str | None
    export_dir: Path | None
    notices_remote: str | None
    notices_branch: str
    notices_remote_path: str
    notices_mirror: Path | None
    hook_secret: str | None
    hook_min_seconds: float
    notice_check_seconds: float
    status_version_seconds: float
    notices_per_page: int
    readyz_detail_from: tuple
    readyz_token: str | None
    smtp_url: str | None = None
    mail_from: str | None = None
    send_in_background: bool = True
    mail_lease_seconds: float = 300.0
    maintenance_reminder_seconds: float = 24 * 3600.0
    auto_notice_after_seconds: float = 300.0
    dkim_key: Path | None = None
    dkim_selector: str | None = None
    webhooks: tuple[tuple[str, str], ...] = ()
    webhook_loopback: bool = False
    webhook_timeout_seconds: float = 10.0
    alert_urls: str | None = None
    alert_reminder_seconds: float = 3600.0
    drafts_dir: Path | None = None
    drafts_link: str | None = None


def defaults(root: Path) -> dict[str, Any]:
    """Returns every setting's default, as app.config keys, for a site whose files lie in root."""
    found = {setting.key: setting.default for setting in SETTINGS}
    found["STATUS_CONFIG"], found["NOTICES_DIR"] = root / "status.toml", root / "notices"
    return found


def load_settings(configured: Mapping[str, Any], environ: Mapping[str, str], test: Mapping[str, Any] | None = None):
    """Returns the Settings of configured (defaults and instance/config.py), then environ, then test.

    An environment variable that is empty counts as not set. Raises SettingsError naming the first setting
    whose value cannot be read: an environment variable is read even where test overrides it, so a
    deployment's mistake stops every process that sees it (gunicorn's arbiter overrides STATUS_PROBE).
    """
    values = {}
    for setting in SETTINGS:
        layers = [(configured.get(setting.key, setting.default), setting.key)]
        if setting.env and environ.get(setting.env):
            layers.append((environ[setting.env], setting.env))
        if test and setting.key in test:
            layers.append((test[setting.key], setting.key))
        for value, source in layers[1:] or layers:
            try:
                values[setting.key.lower()] = setting.parse(value)
            except ValueError as exc:
                raise SettingsError(f"{source}: cannot use {value!r}: {exc}") from None
    return Settings(**values)
