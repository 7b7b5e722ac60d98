"""The oidc kind: the OpenID Connect discovery document and the signing keys it points to."""

from urllib.parse import urljoin, urlsplit

from mpass_status.checks.results import Finding, failed, ok
from mpass_status.checks.transport import CheckFailed, detail, fetch_json, make_client

REQUIRED_OIDC = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


def _signing_keys(jwks) -> list | None:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        return None
    return [k for k in keys if isinstance(k, dict) and k.get("kty") and k.get("use", "sig") == "sig"]


def check_oidc(check, deadline, now, probe) -> Finding:
    """Checks discovery: JSON, exact issuer, required endpoints and a JWKS with a signing key."""
    with make_client(check) as client:
        doc, got = fetch_json(client, check.url, deadline, check.timeout)
        if not isinstance(doc, dict):
            return failed("not_json_object", got.ms)
        if doc.get("issuer") != check.issuer:
            return failed("issuer_mismatch", got.ms, expected=check.issuer, detail=detail(doc.get("issuer")))
        missing = [name for name in REQUIRED_OIDC if not isinstance(doc.get(name), str) or not doc.get(name)]
        if missing:
            return failed("endpoints_missing", got.ms, names=", ".join(missing))
        jwks_url = urljoin(got.url, doc["jwks_uri"])
        # The key set is fetched only from the issuer's own host (or one the configuration names).
        allowed = {urlsplit(check.issuer).hostname, urlsplit(check.url).hostname, *check.jwks_hosts}
        if urlsplit(jwks_url).scheme not in ("http", "https") or urlsplit(jwks_url).hostname not in allowed:
            return failed("jwks_elsewhere", got.ms, detail=detail(jwks_url))
        try:
            jwks, jgot = fetch_json(client, jwks_url, deadline, check.timeout)
        except CheckFailed as exc:
            if exc.finding.code == "timeout":
                raise
            return failed("jwks_unreachable", got.ms, detail=detail(f"{jwks_url}: {exc.finding_text()}"))
    ms = got.ms + jgot.ms
    keys = _signing_keys(jwks)
    if keys is None:
        return failed("jwks_invalid", ms, detail=detail(jwks_url))
    if not keys:
        return failed("jwks_no_signing_key", ms)
    return ok(ms)
