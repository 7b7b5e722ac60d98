"""The authsources kind: the broker's list of login methods still offers each one the check names."""

from mpass_status.checks.results import Finding, Outcome, failed
from mpass_status.checks.transport import fetch_json, make_client

# Where a source's name may stand in one item of the list.
SOURCE_KEYS = ("id", "authnsource", "authnSource", "name", "title", "label")


def _offered_names(item: dict) -> set[str]:
    return {str(item[k]).strip().casefold() for k in SOURCE_KEYS if isinstance(item.get(k), (str, int))}


def check_authsources(check, deadline, now, probe) -> Finding:
    """Checks the sources list is a JSON list of objects and each configured source is still offered."""
    with make_client(check) as client:
        doc, got = fetch_json(client, check.url, deadline, check.timeout)
    if not isinstance(doc, list) or not all(isinstance(item, dict) for item in doc):
        return failed("not_json_list", got.ms)
    offered = set().union(*(_offered_names(item) for item in doc)) if doc else set()
    per_component = {
        component: failed("source_missing", got.ms, source=source)
        for component, source in check.sources.items()
        if source.strip().casefold() not in offered and component.casefold() not in offered
    }
    return Finding(Outcome.OK, "ok", {"ms": got.ms}, got.ms, per_component=per_component)
