"""Generates the stand-in broker's keys and certificates: a SAML signing cert and a small TLS CA."""

import base64
import ipaddress
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def new_key():
    """Returns a fresh 2048-bit RSA private key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate(key, common_name, not_after, issuer_key=None, issuer_name=None, ca=False, hosts=()):
    """Returns a certificate for key valid until not_after, self-signed unless an issuer is given."""
    now = datetime.now(UTC)
    not_before = min(now, not_after) - timedelta(days=365)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer_name or _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if hosts:
        names = [x509.IPAddress(ipaddress.ip_address(h)) if h[0].isdigit() else x509.DNSName(h) for h in hosts]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def der_base64(cert) -> str:
    """Returns the certificate as base64 DER, the form SAML metadata embeds."""
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def pem(cert) -> bytes:
    """Returns the certificate as PEM."""
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key) -> bytes:
    """Returns the private key as unencrypted PEM (test material only)."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _b64url_uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(key, kid: str) -> dict:
    """Returns the RSA public key as a signing JWK."""
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": _b64url_uint(numbers.n),
        "e": _b64url_uint(numbers.e),
    }


class TLSMaterial:
    """A private CA and three server certificates for 127.0.0.1: valid, expiring and expired."""

    def __init__(self, directory, hosts=("127.0.0.1", "localhost")):
        now = datetime.now(UTC)
        ca_key, self.server_key = new_key(), new_key()
        ca = certificate(ca_key, "Stand-in broker test CA", now + timedelta(days=3650), ca=True)
        self.ca_file = directory / "standin-ca.pem"
        self.ca_file.write_bytes(pem(ca))
        key_file = directory / "standin-server.key"
        key_file.write_bytes(key_pem(self.server_key))
        self.files = {}
        for mode, not_after in (
            ("valid", now + timedelta(days=365)),
            ("expiring", now + timedelta(days=10)),
            ("expired", now - timedelta(days=2)),
        ):
            cert = certificate(self.server_key, hosts[0], not_after, ca_key, ca.subject, hosts=hosts)
            cert_file = directory / f"standin-server-{mode}.pem"
            cert_file.write_bytes(pem(cert))
            self.files[mode] = (cert_file, key_file)
