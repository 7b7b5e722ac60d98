"""The result of one check, what a check kind finds, and the outcomes both can have."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from mpass_status.checks.reasons import reason
from mpass_status.config.model import CheckKind


class Outcome(StrEnum):
    """What one check found: it passed, passed with a warning, failed, or could not tell."""

    OK = "ok"
    DEGRADED = "degraded"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CheckResult:
    """One check's finding for one component at one time, as the prober stores it and the pages read it."""

    time: datetime
    check_id: str
    # Read back from a store, kind and outcome are their text, which compares equal to the enum's member.
    kind: CheckKind
    component: str
    environment: str
    target: str
    outcome: Outcome
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
        return reason(self.code, self.params)

    def with_(self, **changes) -> "CheckResult":
        """Returns a copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Finding:
    """What a check kind concluded, before it is stamped with time and component."""

    outcome: Outcome
    code: str
    params: dict = field(default_factory=dict)
    response_ms: int | None = None
    network_error: bool = False
    # authsources: per-component findings overriding this one.
    per_component: dict = field(default_factory=dict)


def ok(ms, **params) -> Finding:
    """Returns a good finding with the response time."""
    return Finding(Outcome.OK, "ok", {"ms": ms, **params}, ms)


def degraded(code, ms=None, **params) -> Finding:
    """Returns a warning finding."""
    return Finding(Outcome.DEGRADED, code, params, ms)


def failed(code, ms=None, **params) -> Finding:
    """Returns a failed finding."""
    return Finding(Outcome.FAILED, code, params, ms)


def timed_out(seconds: float) -> Finding:
    """Returns the failed finding of a check that ran out of time, its limit written as a person would."""
    return failed("timeout", seconds=int(seconds) if float(seconds).is_integer() else round(seconds, 1))
