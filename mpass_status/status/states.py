"""The states a component or the whole service can be in, and how notices and Statuspage name them."""

# Worst last: the overall state is the worst of the component states.
STATES = ("operational", "unknown", "maintenance", "degraded", "disrupted", "down")
_SEVERITY_STATES = {"down": "down", "disrupted": "disrupted", "notice": "degraded", None: "degraded"}
# Statuspage component status of each state; unknown has no Statuspage value and is not green.
STATUSPAGE = {
    "operational": "operational",
    "degraded": "degraded_performance",
    "disrupted": "partial_outage",
    "down": "major_outage",
    "maintenance": "under_maintenance",
    "unknown": "degraded_performance",
}
# Statuspage's overall (indicator, description) for the worst component state.
INDICATORS = {
    "down": ("major", "Major Service Outage"),
    "disrupted": ("minor", "Minor Service Outage"),
    "degraded": ("minor", "Minor Service Outage"),
    # Statuspage's indicator is one of none, minor, major and critical: maintenance is not among them.
    "maintenance": ("minor", "Service Under Maintenance"),
    # Statuspage has no "unknown": never "none", which clients show as all well (LiveStatus says why).
    "unknown": ("minor", "Status unknown"),
    "operational": ("none", "All Systems Operational"),
}


def severity_state(severity: str | None) -> str:
    """Returns the state that a notice's severity describes, whatever its type."""
    return _SEVERITY_STATES.get(severity, "degraded")


def notice_state(notice) -> str:
    """Returns the state an ongoing notice gives the components it names."""
    return "maintenance" if notice.type == "maintenance" else severity_state(notice.severity)


def worst(states) -> str:
    """Returns the worst of some states, or 'unknown' when there are none."""
    states = list(states)
    return max(states, key=STATES.index) if states else "unknown"
