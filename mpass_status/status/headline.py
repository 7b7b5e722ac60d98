"""The front page's answer in five seconds: what fails (by scope), since when, and whose fault it is.

A pure function of the evaluated status: `headline(config, live, notices)` names the scope and the
facts; the web layer words them in the reader's language.
"""

from dataclasses import dataclass
from datetime import datetime

from mpass_status.config import SiteConfig
from mpass_status.config.model import CheckKind
from mpass_status.status.evaluate import LiveStatus, production_parts
from mpass_status.status.states import State

# The protocols a production part of the broker serves, by the kind of the check that tests it.
PROTOCOLS = {CheckKind.OIDC: "oidc", CheckKind.SAML: "saml"}


@dataclass(frozen=True)
class Headline:
    """What the headline tells: the state, what it covers, since when, and who is known to be at fault."""

    state: State
    # "all" (the broker in production), "protocol" (one production protocol), "methods" (login methods by
    # name), "test" (the test environment only), "parts" (anything else); None when all is well.
    scope: str | None = None
    # The components in that state, in configuration order.
    components: tuple[str, ...] = ()
    # For the protocol scope: "oidc" or "saml".
    protocol: str | None = None
    # True when every part outside the scope that readers log in through is known to work.
    others_work: bool = False
    # Since when: the verdict's or notice's start; for unknown, the newest evidence it rests on.
    since: datetime | None = None
    # When a maintenance break is planned to end.
    until: datetime | None = None
    # "mpass": the checks or a staff notice place the fault in MPASSid; "staff": staff know of it (a login
    # method's fault may lie with its provider); "own_network": this site's own network; None: not known.
    fault: str | None = None
    # The staff notice behind the state, linked under the headline.
    notice_id: str | None = None
    # True where MPASSid looks fine for production logins: send readers to their school's IT support first.
    school_it_first: bool = False
    # Why the state is unknown (LiveStatus.cause).
    cause: str | None = None


def only_in_test(config: SiteConfig) -> set[str]:
    """Returns the components checked only in the test environment."""
    tested = {c for check in config.checks if check.environment == "test" for c in check.components}
    used = {c for check in config.checks if check.environment != "test" for c in check.components}
    return tested - used


def _protocol(config: SiteConfig, component: str) -> str | None:
    kinds = {PROTOCOLS.get(check.kind) for check in config.checks if component in check.components}
    kinds.discard(None)
    return kinds.pop() if len(kinds) == 1 else None


def _scope(config: SiteConfig, troubled: set[str]) -> tuple[str, str | None]:
    broker = production_parts(config)
    if broker and broker <= troubled:
        return "all", None
    if troubled <= broker:
        protocols = {_protocol(config, c) for c in troubled}
        if len(protocols) == 1 and None not in protocols:
            return "protocol", protocols.pop()
        return "parts", None
    if troubled <= config.login_methods():
        return "methods", None
    if troubled <= only_in_test(config):
        return "test", None
    return "parts", None


def _since(statuses, notices_by_id) -> datetime | None:
    """Returns the earliest known start of the statuses: a staff notice's start, else the checks' verdict."""
    starts = []
    for status in statuses:
        notice = notices_by_id.get(status.notice_id) if status.source == "staff" else None
        if notice is not None and notice.start is not None:
            starts.append(notice.start.at)
        elif status.source == "checks" and status.since is not None:
            starts.append(status.since)
    return min(starts, default=None)


def headline(config: SiteConfig, live: LiveStatus, notices) -> Headline:
    """Returns what the headline answers for the live status: what, since when and whose fault."""
    state = State(live.state)
    if state == State.OPERATIONAL:
        return Headline(state, school_it_first=True)
    order = [c.id for c in config.components]
    statuses = [live.components[c] for c in order if live.components[c].state == state]
    troubled = {s.component for s in statuses}
    if state == State.UNKNOWN:
        times = [s.evidence_time for s in statuses if s.evidence_time]
        return Headline(
            state,
            components=tuple(s.component for s in statuses),
            # The newest evidence: when the network was found down, or the last fresh result.
            since=max(times, default=None),
            fault="own_network" if live.cause == "network_down" else None,
            cause=live.cause,
        )
    scope, protocol = _scope(config, troubled)
    notices_by_id = {n.id: n for n in notices}
    staff = [s for s in statuses if s.source == "staff"]
    notice = notices_by_id.get(staff[0].notice_id) if staff else None
    # The parts readers log in through in production, outside the scope.
    used = production_parts(config) | config.login_methods()
    others_work = all(live.components[c].state == State.OPERATIONAL for c in used - troubled if c in live.components)
    if state == State.MAINTENANCE:
        # Planned work is nobody's fault; its notice tells when it ends.
        fault = None
    elif staff and scope not in ("all", "protocol"):
        # A login method's fault may lie with its provider: staff know of it all the same.
        fault = "staff"
    else:
        # Staff place it in the broker, or the checks failed while their reference addresses answered (else
        # the state would be unknown): the fault is MPASSid's.
        fault = "mpass"
    until = notice.end.at if state == State.MAINTENANCE and notice is not None and notice.end else None
    return Headline(
        state,
        scope=scope,
        components=tuple(s.component for s in statuses),
        protocol=protocol,
        others_work=others_work and scope in ("methods", "protocol", "test"),
        since=_since(statuses, notices_by_id),
        until=until,
        fault=fault,
        notice_id=notice.id if notice is not None else None,
        # Logins to services in production work: a reader who cannot log in asks their school first.
        school_it_first=scope == "test" and others_work,
    )
