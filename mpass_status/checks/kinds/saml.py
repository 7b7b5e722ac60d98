"""The saml kind: the broker's SAML metadata, parsed safely, names its entity, is in date and has a live signing key."""

import base64
import binascii
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError, TreeBuilder

from cryptography import x509
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from mpass_status.checks.expiry import day, expiry_finding
from mpass_status.checks.results import Finding, failed, ok
from mpass_status.checks.transport import detail, fetch, make_client, require_success

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
# One broker's metadata nests about eight levels and holds some hundreds of elements; 5 MB of bare
# tags would make over a million elements (200 MB held) and nesting that only an attack has.
MAX_XML_DEPTH = 64
MAX_XML_ELEMENTS = 100_000


class _Overgrown(Exception):
    """Stops the parser from inside its tree builder, naming the limit that was passed."""

    def __init__(self, code: str, limit: int):
        super().__init__(code)
        self.code, self.limit = code, limit


class _BoundedBuilder(TreeBuilder):
    """Builds the tree as ElementTree does, refusing it as soon as it nests too deep or grows too big."""

    def __init__(self):
        super().__init__()
        self.depth = self.count = 0

    def start(self, tag, attrs):
        """Opens an element after counting it against the limits."""
        self.depth += 1
        self.count += 1
        if self.depth > MAX_XML_DEPTH:
            raise _Overgrown("xml_too_deep", MAX_XML_DEPTH)
        if self.count > MAX_XML_ELEMENTS:
            raise _Overgrown("xml_too_many_elements", MAX_XML_ELEMENTS)
        return super().start(tag, attrs)

    def end(self, tag):
        """Closes an element."""
        self.depth -= 1
        return super().end(tag)


def parse_metadata(body: bytes):
    """Parses metadata with defusedxml's rules (no entity declarations, nothing external) and bounded size."""
    parser = DefusedXMLParser(target=_BoundedBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.feed(body)
    return parser.close()


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.strip())
    # SAML times are UTC; a bare time without offset is read as UTC too.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _signing_certs(root) -> list[x509.Certificate]:
    certs = []
    for descriptor in root.iter(f"{MD}IDPSSODescriptor"):
        for key in descriptor.findall(f"{MD}KeyDescriptor"):
            if key.get("use", "signing") != "signing":
                continue
            for element in key.iter(f"{DS}X509Certificate"):
                der = base64.b64decode("".join((element.text or "").split()), validate=True)
                certs.append(x509.load_der_x509_certificate(der))
    return certs


def check_saml(check, deadline, now, probe) -> Finding:
    """Checks metadata parses safely, names the entityID, is within validUntil and has a live signing cert."""
    with make_client(check) as client:
        got = fetch(client, check.url, deadline, check.timeout)
    require_success(got)
    try:
        # Entity declarations are refused outright: that is how XML bombs and external fetches work.
        root = parse_metadata(got.body)
    except DefusedXmlException:
        return failed("xml_unsafe", got.ms)
    except _Overgrown as exc:
        return failed(exc.code, got.ms, limit=exc.limit)
    except ParseError as exc:
        return failed("xml_invalid", got.ms, detail=detail(exc))
    if root.tag != f"{MD}EntityDescriptor":
        return failed("not_entity_descriptor", got.ms)
    if root.get("entityID") != check.entity_id:
        return failed("entity_id_mismatch", got.ms, expected=check.entity_id, detail=detail(root.get("entityID")))
    valid_until = root.get("validUntil")
    if valid_until:
        try:
            until = _parse_time(valid_until)
        except ValueError:
            return failed("metadata_bad_valid_until", got.ms, detail=detail(valid_until))
        if until <= now:
            return failed("metadata_expired", got.ms, date=day(until))
    try:
        certs = _signing_certs(root)
    except (binascii.Error, ValueError):
        return failed("cert_unreadable", got.ms)
    if not certs:
        return failed("cert_missing", got.ms)
    # During a key rollover two certificates are listed; the longest-lived one decides.
    newest = max(cert.not_valid_after_utc for cert in certs)
    warning = expiry_finding(newest, now, probe.warn_days, "cert_expired", "cert_expiring", got.ms)
    return warning or ok(got.ms)
