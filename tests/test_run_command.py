"""The README's first command boots web, worker and beat on the embedded default."""

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.real_parts import ROOT, free_port

SERVICE_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
)


def wait_for_health(url: str, run: subprocess.Popen, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert run.poll() is None, "bin/run stopped before it was healthy"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 within {seconds}s")


@pytest.mark.slow
def test_bin_run_serves_a_healthy_demo_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    environment.update(PORT=str(port), FILIFORM_VAR_DIR=str(tmp_path / "var"))
    log = (tmp_path / "run.log").open("w+")
    run = subprocess.Popen(
        ["bin/run"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}/healthz", run, seconds=120)
        assert health == {"database": "ok", "broker": "ok"}
        assert (tmp_path / "var" / "filiform.sqlite3").exists()  # the embedded database
        assert not (ROOT / "control").exists()  # the broker keeps everything under var/
        deadline = time.monotonic() + 60
        while not all(word in Path(log.name).read_text() for word in ("ready.", "beat: Starting")):
            assert time.monotonic() < deadline, "worker or beat never started"
            time.sleep(0.5)
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=30) == 0
        time.sleep(1)
        try:
            os.killpg(run.pid, 0)
            raise AssertionError("web, worker or beat is still running after Ctrl-C")
        except ProcessLookupError:
            pass
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    output = Path(log.name).read_text()
    assert "demo-admin / tender-point-42" in output
