"""When a date a check reads makes its finding: failed once passed, degraded within the warning days."""

from datetime import UTC, datetime, timedelta

from mpass_status.checks.results import Finding, degraded, failed


def day(moment: datetime) -> str:
    """Returns the UTC day of a moment as ISO text, as the reasons carry dates."""
    return moment.astimezone(UTC).date().isoformat()


def expiry_finding(not_after, now, warn_days, expired_code, expiring_code, ms=None) -> Finding | None:
    """Returns failed when not_after has passed, degraded within warn_days, else None."""
    if not_after <= now:
        return failed(expired_code, ms, date=day(not_after))
    if not_after - now <= timedelta(days=warn_days):
        days = (not_after - now).days
        return degraded(expiring_code, ms, date=day(not_after), days=days)
    return None
