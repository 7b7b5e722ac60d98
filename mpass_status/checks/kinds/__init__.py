"""The check kinds, one module each, and the registry the runner looks a check's kind up in.

Every kind is called the same way, `check_<kind>(check, deadline, now, probe)`, and returns a Finding
(or raises the transport's CheckFailed): `deadline` is the time.monotonic() by which it must be done,
`now` the round's time (what expiry dates are measured against), `probe` the [probe] settings.
"""

from collections.abc import Callable
from datetime import datetime

from mpass_status.checks.kinds.authsources import check_authsources
from mpass_status.checks.kinds.http import check_http
from mpass_status.checks.kinds.oidc import check_oidc
from mpass_status.checks.kinds.saml import check_saml
from mpass_status.checks.kinds.tls import check_tls
from mpass_status.checks.results import Finding
from mpass_status.config.model import Check, CheckKind, ProbeSettings

KindCheck = Callable[[Check, float, datetime, ProbeSettings], Finding]

# One entry per CheckKind (a test holds them equal): the loader admits no other kind.
KINDS: dict[CheckKind, KindCheck] = {
    CheckKind.HTTP: check_http,
    CheckKind.OIDC: check_oidc,
    CheckKind.SAML: check_saml,
    CheckKind.AUTHSOURCES: check_authsources,
    CheckKind.TLS: check_tls,
}
