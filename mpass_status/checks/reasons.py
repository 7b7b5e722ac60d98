"""The checks' reasons: the English sentence for each reason code, marked for the catalogs with N_()."""


def N_(message: str) -> str:
    """Marks a string for the catalogs without translating it (gettext_noop)."""
    return message


# English templates, stored with each result; the pages translate them by code
# (gettext of the same template) and fill in the same params. A template names only what the site
# itself knows (its configured hosts and names, status codes, times, dates): whatever the broker or an
# exception said goes into the `detail` param, which no template uses and only the component page shows.
REASONS = {
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


def reason(code: str, params: dict | None = None) -> str:
    """Returns the English sentence for a reason code, tolerating missing params."""
    template = REASONS.get(code, code)
    try:
        return template % (params or {})
    except (KeyError, TypeError, ValueError):
        return template
