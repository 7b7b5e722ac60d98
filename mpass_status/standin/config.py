"""Writes a site configuration whose checks point at stand-in brokers, for tests and the demo."""

import json
from pathlib import Path

from mpass_status.config import load_config
from mpass_status.config.loader import GROUP_TEXTS
from mpass_status.standin.broker import PATHS

SHIPPED = Path(__file__).resolve().parents[2] / "status.toml"


def _q(value) -> str:
    # JSON strings and lists are valid TOML basic strings and arrays.
    return json.dumps(value, ensure_ascii=False)


def _names(names: dict) -> str:
    return "{ " + ", ".join(f"{lang} = {_q(text)}" for lang, text in names.items()) + " }"


def _checks(broker, env: str, timeout, interval) -> list[dict]:
    prefix = "prod" if env == "production" else "test"
    base = broker.base_url
    checks = [
        {
            "id": f"{prefix}-oidc-discovery",
            "kind": "oidc",
            "component": f"{prefix}-oidc",
            "url": base + PATHS["discovery"],
            "issuer": broker.issuer,
        },
        {
            "id": f"{prefix}-oidc-authorize",
            "kind": "http",
            "component": f"{prefix}-oidc",
            "url": base + PATHS["authorize"],
        },
        {
            "id": f"{prefix}-saml-metadata",
            "kind": "saml",
            "component": f"{prefix}-saml",
            "url": base + PATHS["metadata"],
            "entity_id": broker.entity_id,
        },
        {
            "id": f"{prefix}-tls",
            "kind": "tls",
            "components": [f"{prefix}-oidc", f"{prefix}-saml"],
            "url": broker.tls_url,
            "ca_file": broker.ca_file,
        },
    ]
    if env == "production":
        checks.append(
            {
                "id": "prod-authsources",
                "kind": "authsources",
                "url": base + PATHS["authnsources"] + "?lang=FI",
                "sources": {
                    "wilma": "Wilma",
                    "adfs": "ADFS",
                    "entra-id": "Entra ID",
                    "google": "Google",
                    "opinsys": "Opinsys",
                },
            }
        )
    for check in checks:
        check.update(environment=env, timeout=timeout, interval=interval)
    return checks


def standin_config_text(production, test=None, timeout=2, interval=10, probe=None, references=None) -> str:
    """Returns TOML with the shipped site, groups and components and checks against the stand-ins.

    references: the stand-in reference addresses (StandinReference) that tell the site's network is up.
    """
    site = load_config(SHIPPED)
    lines = [
        "[site]",
        f"name = {_names(site.name)}",
        f"base_url = {_q(site.base_url)}",
        f"languages = {_q(list(site.languages))}",
        f"timezone = {_q(str(site.timezone))}",
        f"contact_email = {_q(site.contact_email)}",
        "",
    ]
    if site.corrections_from:
        lines += ["[feeds]", f"corrections_from = {site.corrections_from.isoformat()}", ""]
    for group in site.groups:
        lines += ["[[groups]]", f"id = {_q(group.id)}", f"name = {_names(group.name)}"]
        for key in GROUP_TEXTS:
            if getattr(group, key):
                lines.append(f"{key} = {_names(getattr(group, key))}")
        lines.append("")
    for comp in site.components:
        lines += [
            "[[components]]",
            f"id = {_q(comp.id)}",
            f"group = {_q(comp.group)}",
            f"name = {_names(comp.name)}",
            *([f"description = {_names(comp.description)}"] if comp.description else []),
            *([f"created = {comp.created.isoformat()}"] if comp.created else []),
            "",
        ]
    lines.append("[probe]")
    probe = dict(probe or {})
    if references:
        probe.setdefault("reference_urls", [reference.url for reference in references])
    lines += [f"{key} = {_q(value)}" for key, value in probe.items()]
    lines.append("")
    checks = _checks(production, "production", timeout, interval)
    if test is not None:
        checks += _checks(test, "test", timeout, interval)
    for check in checks:
        lines.append("[[checks]]")
        for key, value in check.items():
            if isinstance(value, dict):
                value_text = "{ " + ", ".join(f"{_q(k)} = {_q(v)}" for k, v in value.items()) + " }"
            else:
                value_text = _q(value)
            lines.append(f"{key} = {value_text}")
        lines.append("")
    return "\n".join(lines)


def write_standin_config(path, production, test=None, **options) -> Path:
    """Writes the stand-in configuration to path and returns the path."""
    path = Path(path)
    # Written aside and renamed, so a reader waiting for the file never sees half of it.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(standin_config_text(production, test, **options), encoding="utf-8")
    partial.replace(path)
    return path
