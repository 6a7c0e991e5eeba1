"""The README's first command boots web, worker and beat on the embedded default."""

import os
import signal
import time

import pytest

from tests.real_parts import ROOT, bin_run, wait_until


@pytest.mark.slow
def test_bin_run_serves_a_healthy_demo_and_ctrl_c_stops_everything(tmp_path):
    with bin_run(tmp_path) as run:
        assert run.health == {"database": "ok", "broker": "ok"}
        assert (tmp_path / "var" / "filiform.sqlite3").exists()  # the embedded database
        assert not (ROOT / "control").exists()  # the broker keeps everything under var/
        wait_until(
            lambda: all(word in run.output() for word in ("ready.", "beat: Starting")),
            seconds=60,
            what="worker and beat starting",
            interval=0.5,
        )
        run.process.send_signal(signal.SIGINT)
        assert run.process.wait(timeout=30) == 0
        time.sleep(1)
        try:
            os.killpg(run.process.pid, 0)
            raise AssertionError("web, worker or beat is still running after Ctrl-C")
        except ProcessLookupError:
            pass
    assert "demo-admin / tender-point-42" in run.output()
