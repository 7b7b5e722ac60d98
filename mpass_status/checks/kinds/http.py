"""The http kind: an address answers, with the expected status and text when the check names them."""

from mpass_status.checks.results import Finding, failed, ok
from mpass_status.checks.transport import fetch, make_client


def check_http(check, deadline, now, probe) -> Finding:
    """Checks that url answers below 500 (or with expect_status) and contains expect_text if set."""
    with make_client(check) as client:
        # A bare request to an endpoint may well redirect: its answer, whatever it is, is the evidence.
        got = fetch(client, check.url, deadline, check.timeout, follow=False)
    if check.expect_status is not None and got.status != check.expect_status:
        return failed("http_status", got.ms, status=got.status)
    if check.expect_status is None and got.status >= 500:
        return failed("server_error", got.ms, status=got.status)
    if check.expect_text and check.expect_text not in got.body.decode("utf-8", "replace"):
        return failed("text_missing", got.ms, text=check.expect_text)
    return ok(got.ms)
