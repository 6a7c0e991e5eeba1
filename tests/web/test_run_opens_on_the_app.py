"""`bin/run` opens on the staff app: it names the app's address and the demo logins first, and
the demo therapist can sign in there."""

import re
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest

from tests.real_parts import bin_run


@pytest.mark.slow  # boots bin/run: web, worker and beat
def test_bin_run_names_the_staff_app_and_its_logins_first_and_they_work(tmp_path):
    with bin_run(tmp_path) as run:
        port = run.port
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
    output = run.output()
    app_line = output.index(f"Open the staff app: http://127.0.0.1:{port}/")
    assert app_line < output.index("demo-therapist / twitch-response-42", app_line)
    assert output.index("demo-therapist / twitch-response-42", app_line) < output.index("API docs")
