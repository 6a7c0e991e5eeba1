"""Real processes for the tests and the benchmarks: a throwaway Redis, Celery workers and beat,
a headless Chromium, Django in a fresh process, free ports, and the URL of the database Django
is using, to hand to them.

In tests they run against the database that pytest-django created, so the tests using them
need committed data (transactional tests).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless, and quiet: the machine has no network beyond the tests' own servers.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (bin/test installs it). Playwright runs an event loop in this
    thread, so a test reads the database before and after, never inside."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def run_django(code: str, timeout: float = 60, **env) -> subprocess.CompletedProcess:
    """Run Django code in a fresh process, with its own settings from `env`."""
    script = f"import django; django.setup()\n{code}"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """Where Django's connection points (a test or benchmark database), for other processes."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def wait_until(condition, seconds: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {seconds}s")


def waiting_on_a_lock() -> int:
    """How many connections to this database wait on a row lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


# What `bin/run` must find unset to start on its embedded defaults, as the README's first command.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
)


@dataclass
class Run:
    """A healthy `bin/run`: its process, its port, what `/healthz` answered and its log."""

    process: subprocess.Popen
    port: int
    health: dict
    log: Path

    def output(self) -> str:
        return self.log.read_text()


@contextmanager
def bin_run(directory: Path, seconds: float = 120) -> Iterator[Run]:
    """`bin/run` on its embedded defaults (state under `directory`/var), once `/healthz`
    answers; Ctrl-C to it on the way out if it still runs, and a kill if that does not stop it."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    environment.update(PORT=str(port), FILIFORM_VAR_DIR=str(directory / "var"))
    log = directory / "run.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bin/run"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        health = _health(f"http://127.0.0.1:{port}/healthz", process, seconds)
        yield Run(process, port, health, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _health(url: str, process: subprocess.Popen, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "bin/run stopped before it was healthy"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return json.loads(answer.read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 within {seconds}s")


class Redis:
    """A Redis server of the test's own, which it may kill and restart."""

    def __init__(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (Debian: apt-get install redis-server)"
        self.binary, self.port, self.process = binary, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, 10, "redis-server answering")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def kill(self):
        self.process.kill()
        self.process.wait()


class Celery:
    """`celery -A config worker` or `beat`, in its own process group, killable at once."""

    def __init__(self, kind: str, environment: dict, log: Path, *arguments: str):
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "config",
                kind,
                "--loglevel=WARNING",
                *arguments,
            ],
            cwd=ROOT,
            env=environment,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        """SIGKILL, no warning: what a crashed machine does to a worker."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def celery_environment(broker_url: str, sms_file: Path, **extra) -> dict:
    """What a worker or beat needs to send through the file SMS backend on this database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "SMS_BACKEND": "file",
        "SMS_FILE_PATH": str(sms_file),
        "FILIFORM_VAR_DIR": str(sms_file.parent),
        **extra,
    }
