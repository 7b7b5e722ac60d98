"""The thresholds that turn a check's run of outcomes into a verdict: failures_to_down failures in a row
make it down, successes_to_up successes in a row make it up again. The prober asks them to decide when to
check again, the status pages to decide what to show."""

from mpass_status.checks.results import Outcome


def streak(outcomes, failures_to_down: int, successes_to_up: int) -> tuple[bool, int, int]:
    """Runs the down/up hysteresis over outcomes (oldest first) and returns (down, failures, successes)."""
    down, failures, successes = False, 0, 0
    for outcome in outcomes:
        if outcome == Outcome.UNKNOWN:
            continue  # Our own network failing says nothing about the broker.
        if outcome == Outcome.FAILED:
            failures, successes = failures + 1, 0
            down = down or failures >= failures_to_down
        else:
            failures, successes = 0, successes + 1
            down = down and successes < successes_to_up
    return down, failures, successes
