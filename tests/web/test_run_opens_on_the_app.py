"""`bin/run` opens on the staff app: it names the app's address and the demo logins first, and
the demo therapist can sign in there."""

import os
import re
import signal
import subprocess
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from tests.real_parts import ROOT, free_port
from tests.test_run_command import SERVICE_VARIABLES, wait_for_health


def test_bin_run_names_the_staff_app_and_its_logins_first_and_they_work(tmp_path):
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
        wait_for_health(f"http://127.0.0.1:{port}/healthz", run, seconds=120)
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with browser.open(f"http://127.0.0.1:{port}/") as answer:
            login_page = answer.read().decode()
            assert answer.url.endswith("/accounts/login/?next=/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "demo-therapist",
                "password": "twitch-response-42",
                "next": "/",
            }
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/accounts/login/",
            data=form,
            headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"},
        )
        with browser.open(request) as answer:
            assert "Today," in answer.read().decode()
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
    output = Path(log.name).read_text()
    app_line = output.index(f"Open the staff app: http://127.0.0.1:{port}/")
    assert app_line < output.index("demo-therapist / twitch-response-42", app_line)
    assert output.index("demo-therapist / twitch-response-42", app_line) < output.index("API docs")
