"""What a subscriber asked to hear of: components, groups, notice types (none = everything), how often, and
whether to be reminded before a maintenance break and told of the checks' automatic findings."""

import json
from dataclasses import dataclass
from enum import StrEnum

from mpass_status.config import SiteConfig
from mpass_status.notices.model import TYPES, Notice

# An address longer than this is not one (RFC 5321 limits a path to 256 octets).
MAX_ADDRESS = 254


class Cadence(StrEnum):
    """When a subscriber's e-mails go out: at once, or gathered into one a day."""

    IMMEDIATE = "immediate"
    DAILY = "daily"


class BadChoice(ValueError):
    """A sign-up form asked for something the site does not offer; the message names the field."""


@dataclass(frozen=True)
class Choices:
    """A subscriber's choices; an empty tuple means every component, group or type. reminder: an e-mail before
    each maintenance break they hear of starts; automatic: the checks' finding that production is down (and
    back up), before the staff publish a notice."""

    components: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    cadence: Cadence = Cadence.IMMEDIATE
    reminder: bool = False
    automatic: bool = False

    def wants(self, notice: Notice, config: SiteConfig) -> bool:
        """Tells whether a notice concerns what was chosen: its type, and one of its parts or their groups."""
        if self.types and notice.type not in self.types:
            return False
        if not (self.components or self.groups):
            return True
        parts = set(notice.components)
        groups = {found.group for c in parts if (found := config.component(c))}
        # A notice that names no component concerns the whole service, so everyone hears of it.
        return not parts or bool(parts & set(self.components) or groups & set(self.groups))

    def dump(self) -> str:
        """Returns the choices as JSON for the store."""
        found = {"components": self.components, "groups": self.groups, "types": self.types}
        return json.dumps(found | {"reminder": self.reminder, "automatic": self.automatic})

    @classmethod
    def load(cls, text: str, cadence: str) -> "Choices":
        """Reads what dump() wrote."""
        found = json.loads(text)
        # Choices stored before reminders and automatic notices were offered lack them: neither was asked for.
        return cls(
            tuple(found["components"]),
            tuple(found["groups"]),
            tuple(found["types"]),
            Cadence(cadence),
            bool(found.get("reminder")),
            bool(found.get("automatic")),
        )


def from_form(form, config: SiteConfig) -> Choices:
    """Reads the choices of a submitted form, refusing any value the form did not offer."""
    offered = {
        "components": {c.id for c in config.components},
        "groups": {g.id for g in config.groups},
        "types": set(TYPES),
    }
    picked = {}
    for field, allowed in offered.items():
        values = form.getlist(field)
        if len(values) > len(allowed) or any(v not in allowed for v in values):
            raise BadChoice(field)
        picked[field] = tuple(sorted(set(values)))
    cadence = form.get("cadence", Cadence.IMMEDIATE)
    if cadence not in set(Cadence):
        raise BadChoice("cadence")
    extras = {}
    for field in ("reminder", "automatic"):
        # A box sends "yes" when ticked and nothing when not.
        if form.getlist(field) not in ([], ["yes"]):
            raise BadChoice(field)
        extras[field] = field in form
    return Choices(picked["components"], picked["groups"], picked["types"], Cadence(cadence), **extras)


def clean_address(text: str) -> str | None:
    """Returns an e-mail address as given, trimmed, or None when it cannot be one (no header can be smuggled
    in it: no line breaks, controls, spaces, commas or angle brackets)."""
    address = text.strip()
    if not address or len(address) > MAX_ADDRESS or not address.isprintable():
        return None
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain.strip("."):
        return None
    if any(c in address for c in ' ,;<>()[]\\"') or domain.startswith(".") or ".." in domain:
        return None
    return address
