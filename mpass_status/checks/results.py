"""The result of one check and the English message templates keyed by machine reason codes."""

from dataclasses import dataclass, field, replace
from datetime import datetime

OUTCOMES = ("ok", "degraded", "failed", "unknown")


def N_(message: str) -> str:  # noqa: N802
    """Marks a string for the catalogs without translating it (gettext_noop)."""
    return message


# English templates, stored with each result; the pages translate them by code
# (gettext of the same template) and fill in the same params. A template names only what the site
# itself knows (its configured hosts and names, status codes, times, dates): whatever the broker or an
# exception said goes into the `detail` param, which no template uses and only the component page shows.
MESSAGES = {
    "ok": N_("answered in %(ms)s ms"),
    "slow": N_("slow response: %(ms)s ms (limit %(limit)s ms)"),
    "timeout": N_("timeout after %(seconds)s s"),
    "dns_failed": N_("host name %(host)s not found"),
    "connect_failed": N_("cannot connect to %(host)s"),
    "connection_reset": N_("connection reset by %(host)s"),
    "network_down": N_("the status site's own network seems down"),
    "http_error": N_("the request failed"),
    "redirect_elsewhere": N_("redirected to another host"),
    "too_many_redirects": N_("more than %(hops)s redirects"),
    "too_large": N_("answer larger than %(limit_mb)s MB"),
    "bad_encoding": N_("answer compressed in an unsupported way"),
    "json_too_deep": N_("answer nests deeper than %(limit)s levels"),
    "http_status": N_("unexpected HTTP status %(status)s"),
    "server_error": N_("server error: HTTP status %(status)s"),
    "text_missing": N_("expected text not found: %(text)s"),
    "not_json": N_("answer is not JSON"),
    "not_json_object": N_("answer is JSON but not an object"),
    "not_json_list": N_("answer is not a list of sources"),
    "issuer_mismatch": N_("the discovery document names an issuer other than %(expected)s"),
    "endpoints_missing": N_("discovery lacks %(names)s"),
    "jwks_unreachable": N_("the key set cannot be fetched"),
    "jwks_invalid": N_("the key set is not a JWKS document"),
    "jwks_elsewhere": N_("the key set is on another host than the issuer"),
    "jwks_no_signing_key": N_("key set has no signing key"),
    "xml_unsafe": N_("unsafe XML refused (entity declarations)"),
    "xml_invalid": N_("metadata is not well-formed XML"),
    "xml_too_deep": N_("metadata nests deeper than %(limit)s levels"),
    "xml_too_many_elements": N_("metadata has more than %(limit)s elements"),
    "not_entity_descriptor": N_("metadata is not an EntityDescriptor"),
    "entity_id_mismatch": N_("the metadata names an entityID other than %(expected)s"),
    "metadata_expired": N_("metadata expired on %(date)s"),
    "metadata_bad_valid_until": N_("metadata validUntil is unreadable"),
    "cert_missing": N_("no signing certificate in metadata"),
    "cert_unreadable": N_("signing certificate unreadable"),
    "cert_expired": N_("signing certificate expired on %(date)s"),
    "cert_expiring": N_("signing certificate expires on %(date)s (%(days)s days left)"),
    "source_missing": N_("source %(source)s no longer offered"),
    "tls_handshake": N_("TLS handshake failed"),
    "tls_expired": N_("TLS certificate expired on %(date)s"),
    "tls_expiring": N_("TLS certificate expires on %(date)s (%(days)s days left)"),
    "internal_error": N_("the check failed unexpectedly"),
    # Status (not single results): why a component shows as it does.
    "no_results": N_("no check results yet"),
    "stale": N_("no fresh check results since %(time)s"),
    "recovering": N_("recovering: %(successes)s of %(needed)s good results"),
    "failing": N_("%(reason)s (%(failures)s of %(needed)s failures before down)"),
    "notice": N_("staff notice %(notice)s"),
    "failing_from": N_("failing from %(vantage)s only"),
    "database_unavailable": N_("check results cannot be read right now"),
}


def message(code: str, params: dict | None = None) -> str:
    """Returns the English sentence for a reason code, tolerating missing params."""
    template = MESSAGES.get(code, code)
    try:
        return template % (params or {})
    except (KeyError, TypeError, ValueError):
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
    # Where the prober that found it runs ([probe] vantage; "" for a site with one prober).
    vantage: str = ""

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


def timed_out(seconds: float) -> Finding:
    """Returns the failed finding of a check that ran out of time, its limit written as a person would."""
    return failed("timeout", seconds=int(seconds) if float(seconds).is_integer() else round(seconds, 1))
