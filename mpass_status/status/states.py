"""The states a component or the whole service can be in, and how notices and Statuspage name them."""

from enum import StrEnum


class State(StrEnum):
    """A state of a component or of the whole service; members are declared worst last, the order `worst` uses.

    Members equal their text, so templates, JSON and the labels' tables read them as the words they are.
    """

    OPERATIONAL = "operational"
    UNKNOWN = "unknown"
    MAINTENANCE = "maintenance"
    DEGRADED = "degraded"
    DISRUPTED = "disrupted"
    DOWN = "down"


# Worst last: the overall state is the worst of the component states.
STATES = tuple(State)
_SEVERITY_STATES = {"down": State.DOWN, "disrupted": State.DISRUPTED, "notice": State.DEGRADED, None: State.DEGRADED}
# Statuspage component status of each state; unknown has no Statuspage value and is not green.
STATUSPAGE = {
    State.OPERATIONAL: "operational",
    State.DEGRADED: "degraded_performance",
    State.DISRUPTED: "partial_outage",
    State.DOWN: "major_outage",
    State.MAINTENANCE: "under_maintenance",
    State.UNKNOWN: "degraded_performance",
}
# Statuspage's overall (indicator, description) for the worst component state.
INDICATORS = {
    State.DOWN: ("major", "Major Service Outage"),
    State.DISRUPTED: ("minor", "Minor Service Outage"),
    State.DEGRADED: ("minor", "Minor Service Outage"),
    # Statuspage's indicator is one of none, minor, major and critical: maintenance is not among them.
    State.MAINTENANCE: ("minor", "Service Under Maintenance"),
    # Statuspage has no "unknown": never "none", which clients show as all well (LiveStatus says why).
    State.UNKNOWN: ("minor", "Status unknown"),
    State.OPERATIONAL: ("none", "All Systems Operational"),
}


def severity_state(severity: str | None) -> State:
    """Returns the state that a notice's severity describes, whatever its type."""
    return _SEVERITY_STATES.get(severity, State.DEGRADED)


def notice_state(notice) -> State:
    """Returns the state an ongoing notice gives the components it names."""
    return State.MAINTENANCE if notice.type == "maintenance" else severity_state(notice.severity)


def worst(states) -> State:
    """Returns the worst of some states, or unknown when there are none."""
    states = [State(state) for state in states]
    return max(states, key=STATES.index) if states else State.UNKNOWN
