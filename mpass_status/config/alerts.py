"""Reads the [alerts] table and its [[alerts.route]] tables, reporting each mistake at its line."""

from mpass_status.config.lines import Reporter
from mpass_status.config.model import AlertRoute, AlertsSettings

ALERTS_KEYS = ("urls", "route")
ROUTE_KEYS = ("groups", "components", "urls")
ROUTE = "alerts.route"


def _scheme(url: str) -> str:
    # Only the scheme is ever shown: the rest of an Apprise URL holds its tokens and passwords.
    return url.split("://")[0] + "://" if "://" in url else "an address without a scheme"


def _urls(report: Reporter, entry: dict, table: str, index: int, where: str) -> tuple[str, ...]:
    """Reads a list of Apprise URLs, each checked against the services Apprise knows."""
    urls = entry.get("urls", [])
    if not isinstance(urls, list) or not all(isinstance(url, str) and url.strip() for url in urls):
        report.error(f'{where}urls must be a list of Apprise URLs, e.g. ["mailto://…"]', table, index, "urls")
        return ()
    if urls:
        # Loaded only for a configuration that alerts: Apprise is big, and every `flask` command reads the file.
        from apprise import Apprise

        for url in urls:
            if Apprise.instantiate(url.strip()) is None:
                report.error(f"{where}Apprise cannot use the URL of {_scheme(url.strip())}", table, index, "urls")
    return tuple(url.strip() for url in urls)


def _ids(report: Reporter, entry: dict, key: str, known: set[str], index: int, where: str) -> tuple[str, ...]:
    ids = entry.get(key, [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        report.error(f"{where}{key} must be a list of ids", ROUTE, index, key)
        return ()
    unknown = [i for i in ids if i not in known]
    if unknown:
        report.error(f"{where}unknown {key} {', '.join(map(repr, unknown))}", ROUTE, index, key)
    return tuple(ids)


def read_alerts(raw, groups: set[str], components: set[str], report: Reporter) -> AlertsSettings:
    """Returns the [alerts] settings; every group and component a route names must exist."""
    if not isinstance(raw, dict):
        report.error("[alerts] must be a table", "alerts")
        return AlertsSettings()
    report.unknown_keys(raw, ALERTS_KEYS, "alerts", where="[alerts]: ")
    urls = _urls(report, raw, "alerts", 0, "[alerts]: ")
    entries = raw.get("route", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        report.error("[alerts]: routes must be written as [[alerts.route]] tables", "alerts", key="route")
        return AlertsSettings(urls)
    routes, keys = [], {}
    for index, entry in enumerate(entries):
        where = f"alert route {index + 1}: "
        report.unknown_keys(entry, ROUTE_KEYS, ROUTE, index, where)
        ids = _ids(report, entry, "groups", groups, index, where) + _ids(
            report, entry, "components", components, index, where
        )
        route_urls = _urls(report, entry, ROUTE, index, where)
        if not ids:
            report.error(f"{where}name the groups or components whose alerts it takes", ROUTE, index)
        if not route_urls:
            report.error(f"{where}give the urls its alerts go to", ROUTE, index)
        route = AlertRoute(ids, route_urls)
        if ids and route.key in keys:
            report.error(f"{where}names the same groups and components as route {keys[route.key]}", ROUTE, index)
        keys.setdefault(route.key, index + 1)
        routes.append(route)
    return AlertsSettings(urls, tuple(routes))
