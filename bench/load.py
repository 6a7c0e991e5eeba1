"""Writes and reads under load, over HTTP: gunicorn (2 sync workers, the production settings)
on PostgreSQL, and 20 concurrent clients on the same machine.

Each client is a therapist with a screened patient: it logs a session with three needle sites,
then lists the clinic's sessions (default page), again and again for 30 seconds after a short
warm-up. Reports the throughput and latency percentiles of each.

    .venv/bin/python bench/load.py
"""

import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import ROOT, throwaway_database
from timing import percentile

from tests.real_parts import database_url, free_port

CLIENTS = 20
WORKERS = 2
WARMUP, DURATION = 3, 30  # seconds
GUNICORN = f"gunicorn config.wsgi --workers={WORKERS} --log-level=warning --no-control-socket"


@dataclass(frozen=True)
class Client:
    token: str
    patient_id: str


@dataclass(frozen=True)
class Request:
    kind: str  # "write" or "list"
    started: float
    seconds: float


def serve(port: int, var_dir: str) -> subprocess.Popen:
    """gunicorn with the production settings, but plain HTTP for localhost."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url(),
        "SECURE_SSL_REDIRECT": "false",
        "FILIFORM_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", *GUNICORN.split(), f"--bind=127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 60
    while not answers(port):
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.2)
    return server


def answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def clients() -> list[Client]:
    """A clinic with a therapist and a patient screened three days ago for each client."""
    import dataset

    clinic = dataset.new_clinic("load")
    therapists = dataset.therapists(clinic, CLIENTS)
    screened = datetime.now(UTC) - timedelta(days=3)
    patients = dataset.screened_patients(clinic, therapists[0], CLIENTS, screened)
    return [
        Client(dataset.token(therapist), str(patient.pk))
        for therapist, patient in zip(therapists, patients, strict=True)
    ]


def session_body(patient_id: str) -> str:
    from tests.bodies import session_body

    return json.dumps(session_body(patient_id))


def call(connection, client: Client, method: str, path: str, body=None, expect=200) -> None:
    headers = {"Authorization": f"Token {client.token}", "Content-Type": "application/json"}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    answer = response.read()
    if response.status != expect:
        raise RuntimeError(f"{method} {path}: {response.status} {answer[:500]!r}")


def work(port: int, client: Client, until: float, done: list[Request]) -> None:
    """Log a session, list sessions, repeat; sync workers close each connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        for kind, method, path, body, expect in (
            ("write", "POST", "/api/v1/sessions/", session_body(client.patient_id), 201),
            ("list", "GET", "/api/v1/sessions/", None, 200),
        ):
            started = time.monotonic()
            call(connection, client, method, path, body, expect)
            done.append(Request(kind, started, time.monotonic() - started))


def drive(port: int, everyone: list[Client]) -> list[Request]:
    """Every client in its own thread; the requests started after the warm-up."""
    done: list[Request] = []
    failures: list[Exception] = []
    measured_from = time.monotonic() + WARMUP

    def run(client: Client) -> None:
        try:
            work(port, client, measured_from + DURATION, done)
        except Exception as exc:  # a client that fails must fail the benchmark
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(client,)) for client in everyone]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"a client failed: {failures[0]}")
    return [request for request in done if request.started >= measured_from]


def summary(requests: list[Request], kind: str) -> dict:
    seconds = sorted(request.seconds for request in requests if request.kind == kind)
    return {
        "per_second": len(seconds) / DURATION,
        **{f"p{n}_ms": percentile(seconds, n / 100) * 1000 for n in (50, 95, 99)},
    }


def measure() -> dict:
    everyone = clients()
    port = free_port()
    with tempfile.TemporaryDirectory() as var_dir:
        server = serve(port, var_dir)
        try:
            requests = drive(port, everyone)
        finally:
            server.terminate()
            server.wait()
    return {"write": summary(requests, "write"), "list": summary(requests, "list")}


def figures() -> dict:
    with throwaway_database("filiform_bench_load"):
        return measure()


def main() -> None:
    results = figures()
    print(f"gunicorn, {WORKERS} workers, {CLIENTS} clients, {DURATION} s, {os.cpu_count()} CPUs")
    for kind, label in (("write", "log a session (3 sites)"), ("list", "list sessions")):
        figure = results[kind]
        print(
            f"{label:24} {figure['per_second']:6.1f}/s  p50 {figure['p50_ms']:6.1f} ms  "
            f"p95 {figure['p95_ms']:6.1f} ms  p99 {figure['p99_ms']:6.1f} ms"
        )


if __name__ == "__main__":
    main()
