"""Runs a round of checks concurrently, each within its timeout, and stores it."""

import time
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime

import httpx

from mpass_status.checks.kinds import KINDS
from mpass_status.checks.results import CheckResult, Finding, Outcome, failed, timed_out
from mpass_status.checks.store import ResultsStore
from mpass_status.checks.transport import CheckFailed, detail
from mpass_status.config import SiteConfig

# Grace after a check's timeout before the round gives up waiting on its thread.
HARD_MARGIN = 0.5


def _now() -> datetime:
    return datetime.now(UTC)


def _finding(check, deadline, now, probe) -> Finding:
    try:
        found = KINDS[check.kind](check, deadline, now, probe)
    except CheckFailed as exc:
        return exc.finding
    except Exception as exc:  # noqa: BLE001 - a check must never stop the prober
        return failed("internal_error", detail=detail(f"{type(exc).__name__}: {exc}"))
    if found.outcome == Outcome.OK and found.response_ms is not None and found.response_ms > check.slow_ms:
        return Finding(
            Outcome.DEGRADED,
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


def reference_answers(url: str, timeout: float) -> bool:
    """Returns whether a reference address gave any HTTP answer at all within timeout."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            client.head(url, headers={"User-Agent": "mpass-status-probe/1"})
        return True
    except httpx.HTTPError:
        return False


def _unreachable(result: CheckResult) -> bool:
    # Failures our own network could cause; a broker's answer, even an error page, is evidence about the broker.
    return result.outcome == Outcome.FAILED and (result.network_error or result.code in ("timeout", "connection_reset"))


def probe_round(checks, probe, now=None) -> tuple[list[CheckResult], bool]:
    """Runs checks and the reference addresses concurrently with hard timeouts; returns (results, network_down).

    The site's own network counts as down only when no reference address answers either: then the checks'
    unreachable results say nothing about the broker and become unknown. A refusing broker with the
    references answering is an outage.
    """
    now = now or _now()
    checks = list(checks)
    if not checks:
        return [], False
    references = probe.reference_urls
    pool = ThreadPoolExecutor(max_workers=min(16, len(checks) + len(references)), thread_name_prefix="probe")
    futures = {pool.submit(run_check, check, probe, now): check for check in checks}
    witnesses = [pool.submit(reference_answers, url, probe.reference_timeout) for url in references]
    limit = max([c.timeout for c in checks] + [probe.reference_timeout]) + HARD_MARGIN
    wait(list(futures) + witnesses, timeout=limit)
    # A thread stuck past its deadline is left to finish on its own; the round does not wait.
    pool.shutdown(wait=False, cancel_futures=True)
    results = []
    for future, check in futures.items():
        if future.done() and not future.cancelled():
            results.extend(future.result())
        else:
            results.extend(_results(check, timed_out(check.timeout), now))
    network_down = not any(w.done() and not w.cancelled() and w.result() for w in witnesses)
    if network_down:
        results = [
            r.with_(outcome=Outcome.UNKNOWN, code="network_down", params={}) if _unreachable(r) else r for r in results
        ]
    return [r.with_(vantage=probe.vantage) for r in results], network_down


def run_checks(checks, probe, now=None) -> list[CheckResult]:
    """Runs checks (and the references) once and returns their results, judged as probe_round does."""
    return probe_round(checks, probe, now)[0]


def run_round(config: SiteConfig, db: ResultsStore, checks=None, now=None) -> list[CheckResult]:
    """Runs the given (default: all) checks once, stores the round, purges old results and returns them."""
    probe = config.probe
    checks = config.checks if checks is None else checks
    started = now or _now()
    results, network_down = probe_round(checks, probe, started)
    db.insert_round(results, started, _now() if now is None else now, network_down, probe.vantage)
    db.purge(probe.retention_days, started)
    return results
