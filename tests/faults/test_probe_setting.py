"""`STATUS_PROBE` as `make run` passes it: 1 starts the prober inside the site, 0 starts none."""

import pytest

from ..helpers import wait_for
from .support import BIN, answer, answer_json, fast_config, free_port, rounds, running, site_env


@pytest.mark.parametrize("value, probing", [("0", False), ("1", True)])
def test_status_probe_zero_starts_no_prober_and_one_does(tmp_path, broker, test_broker, references, value, probing):
    database = tmp_path / "status.sqlite3"
    config = fast_config(tmp_path, broker, test_broker, references, database)
    notices = tmp_path / "notices"
    notices.mkdir()
    port = free_port()
    env = site_env(config, notices, database, STATUS_PROBE=value)
    log = tmp_path / "site.log"
    with running([str(BIN / "flask"), "--app", "app", "run", "--port", str(port)], env, log) as process:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: answer(base + "/healthz")[0] == 200 or process.poll() is not None, 30)
        assert process.poll() is None, log.read_text()
        if probing:
            # The prober holds its lock and stores rounds; readiness says so.
            assert wait_for(lambda: rounds(database) >= 1, 30), log.read_text()
            _, ready = answer_json(base + "/readyz")
            assert ready["probe"]["running"] is True
        else:
            # The prober would have taken its lock before the site answered its first request.
            _, ready = answer_json(base + "/readyz")
            assert ready["probe"]["running"] is False
            assert "no prober is running for this results database" in ready["reasons"]
            assert rounds(database) == 0
