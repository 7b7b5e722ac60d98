"""Runs a round of checks concurrently, each within its timeout, and stores it."""

import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime

from mpass_status.checks.http import (
    CheckFailed,
    check_authsources,
    check_http,
    check_oidc,
)
from mpass_status.checks.results import CheckResult, Finding, failed, timed_out
from mpass_status.checks.saml_tls import check_saml, check_tls
from mpass_status.checks.store import ResultsDB
from mpass_status.config import SiteConfig

# Grace after a check's timeout before the round gives up waiting on its thread.
HARD_MARGIN = 0.5


def _now() -> datetime:
    return datetime.now(UTC)


def _finding(check, deadline, now, probe) -> Finding:
    try:
        if check.kind == "http":
            found = check_http(check, deadline)
        elif check.kind == "oidc":
            found = check_oidc(check, deadline)
        elif check.kind == "authsources":
            found = check_authsources(check, deadline)
        elif check.kind == "saml":
            found = check_saml(check, deadline, now, probe.warn_days)
        else:
            found = check_tls(check, deadline, now, probe.warn_days)
    except CheckFailed as exc:
        return exc.finding
    except Exception as exc:  # noqa: BLE001 - a check must never stop the prober
        return failed("internal_error", detail=f"{type(exc).__name__}: {exc}"[:160])
    if found.outcome == "ok" and found.response_ms is not None and found.response_ms > check.slow_ms:
        return Finding(
            "degraded",
            "slow",
            {"ms": found.response_ms, "limit": check.slow_ms},
            found.response_ms,
            per_component=found.per_component,
        )
    return found


def _results(check, found: Finding, when) -> list[CheckResult]:
    return [
        CheckResult(
            time=when,
            check_id=check.id,
            kind=check.kind,
            component=component,
            environment=check.environment,
            target=check.url,
            outcome=found.per_component.get(component, found).outcome,
            response_ms=found.response_ms,
            code=found.per_component.get(component, found).code,
            params=found.per_component.get(component, found).params,
            network_error=found.network_error,
        )
        for component in check.components
    ]


def run_check(check, probe, now=None) -> list[CheckResult]:
    """Runs one check within its timeout and returns one result per component it covers."""
    now = now or _now()
    found = _finding(check, time.monotonic() + check.timeout, now, probe)
    return _results(check, found, now)


def run_checks(checks, probe, now=None) -> list[CheckResult]:
    """Runs checks concurrently with hard timeouts and applies the own-network-down rule."""
    now = now or _now()
    if not checks:
        return []
    pool = ThreadPoolExecutor(max_workers=min(16, len(checks)), thread_name_prefix="probe")
    futures = {pool.submit(run_check, check, probe, now): check for check in checks}
    wait(futures, timeout=max(c.timeout for c in checks) + HARD_MARGIN)
    # A thread stuck past its deadline is left to finish on its own; the round does not wait.
    pool.shutdown(wait=False, cancel_futures=True)
    results = []
    for future, check in futures.items():
        if future.done() and not future.cancelled():
            results.extend(future.result())
        else:
            results.extend(_results(check, timed_out(check.timeout), now))
    # One unreachable target says little; every target of the round unreachable points at us.
    if len({r.check_id for r in results}) > 1 and all(r.network_error for r in results):
        results = [r.with_(outcome="unknown", code="network_down", params={}) for r in results]
    return results


def run_round(config: SiteConfig, db: ResultsDB, checks=None, now=None) -> list[CheckResult]:
    """Runs the given (default: all) checks once, stores the round, purges old results and returns them."""
    probe = config.probe
    checks = config.checks if checks is None else checks
    started = now or _now()
    results = run_checks(checks, probe, started)
    network_down = bool(results) and all(r.outcome == "unknown" for r in results)
    db.insert_round(results, started, _now() if now is None else now, network_down)
    db.purge(probe.retention_days, started)
    return results
