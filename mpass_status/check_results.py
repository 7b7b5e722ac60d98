"""The result of one check and the English message templates keyed by machine reason codes."""

from dataclasses import dataclass, field, replace
from datetime import datetime

OUTCOMES = ("ok", "degraded", "failed", "unknown")

# English templates; the UI translates by code and fills in the same params.
MESSAGES = {
    "ok": "answered in {ms} ms",
    "slow": "slow response: {ms} ms (limit {limit} ms)",
    "timeout": "timeout after {seconds} s",
    "dns_failed": "host name {host} not found",
    "connect_failed": "cannot connect to {host}",
    "connection_reset": "connection reset by {host}",
    "network_down": "the status site's own network seems down",
    "http_error": "request failed: {detail}",
    "http_status": "unexpected HTTP status {status}",
    "server_error": "server error: HTTP status {status}",
    "text_missing": "expected text not found: {text}",
    "not_json": "answer is not JSON ({content_type})",
    "not_json_object": "answer is JSON but not an object",
    "not_json_list": "answer is not a list of sources",
    "issuer_mismatch": "issuer mismatch: expected {expected}, got {actual}",
    "endpoints_missing": "discovery lacks {names}",
    "jwks_unreachable": "key set at {url} unreachable: {detail}",
    "jwks_invalid": "key set at {url} is not a JWKS document",
    "jwks_no_signing_key": "key set has no signing key",
    "xml_unsafe": "unsafe XML refused (entity declarations)",
    "xml_invalid": "metadata is not well-formed XML: {detail}",
    "not_entity_descriptor": "metadata is not an EntityDescriptor",
    "entity_id_mismatch": "entityID mismatch: expected {expected}, got {actual}",
    "metadata_expired": "metadata expired on {date}",
    "metadata_bad_valid_until": "metadata validUntil unreadable: {value}",
    "cert_missing": "no signing certificate in metadata",
    "cert_unreadable": "signing certificate unreadable",
    "cert_expired": "signing certificate expired on {date}",
    "cert_expiring": "signing certificate expires on {date} ({days} days left)",
    "source_missing": "source {source} no longer offered",
    "tls_handshake": "TLS handshake failed: {detail}",
    "tls_expired": "TLS certificate expired on {date}",
    "tls_expiring": "TLS certificate expires on {date} ({days} days left)",
    "internal_error": "check crashed: {detail}",
    # Status (not single results): why a component shows as it does.
    "no_results": "no check results yet",
    "stale": "no fresh check results since {time}",
    "recovering": "recovering: {successes} of {needed} good results",
    "failing": "{reason} ({failures} of {needed} failures before down)",
    "notice": "staff notice {notice}",
}


def message(code: str, params: dict | None = None) -> str:
    """Returns the English sentence for a reason code, tolerating missing params."""
    template = MESSAGES.get(code, code)
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return template


@dataclass(frozen=True)
class CheckResult:
    time: datetime
    check_id: str
    kind: str
    component: str
    environment: str
    target: str
    outcome: str
    response_ms: int | None
    code: str
    params: dict = field(default_factory=dict)
    # True when the failure was DNS, refused or unroutable: the prober's network may be the cause.
    network_error: bool = False

    @property
    def reason(self) -> str:
        """Returns the short English reason a person understands."""
        return message(self.code, self.params)

    def with_(self, **changes) -> "CheckResult":
        """Returns a copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Finding:
    """What a check kind concluded, before it is stamped with time and component."""

    outcome: str
    code: str
    params: dict = field(default_factory=dict)
    response_ms: int | None = None
    network_error: bool = False
    # authsources: per-component findings overriding this one.
    per_component: dict = field(default_factory=dict)


def ok(ms, **params) -> Finding:
    """Returns a good finding with the response time."""
    return Finding("ok", "ok", {"ms": ms, **params}, ms)


def degraded(code, ms=None, **params) -> Finding:
    """Returns a warning finding."""
    return Finding("degraded", code, params, ms)


def failed(code, ms=None, **params) -> Finding:
    """Returns a failed finding."""
    return Finding("failed", code, params, ms)
