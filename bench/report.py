"""The benchmark report: every figure the performance issues ask for, in one table.

Runs each benchmark in a fresh process (each sets Django up its own way, on its own throwaway
database), one after the other: about nineteen minutes on two cores. Prints the table and keeps it,
with the date and the machine, in docs/performance.md.

    make bench        (or: .venv/bin/python bench/report.py)
"""

import multiprocessing
import os
import platform
import re
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aftercare_dispatch
import lists
import load
import plan_course
import rates_and_export
import staff_app
import writes
from setup_django import ROOT

UUID = r"[0-9a-f]{8}-[0-9a-f-]{27}"
PERFORMANCE = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def in_own_process(benchmark) -> dict:
    print(f"{benchmark.__name__} ...", end=" ", flush=True)
    started = time.monotonic()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        results = process.submit(benchmark.figures).result()
    print(f"{time.monotonic() - started:.0f} s", flush=True)
    return results


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def ratio_row(measure: str, slow: float, fast: float, unit: str, goal: float) -> tuple:
    ratio = slow / fast
    figure = f"{slow:.1f} vs {fast:.1f} {unit}: ratio **{ratio:.2f}**"
    return measure, figure, f"<= {goal}", met(ratio <= goal)


def query_rows(queries: dict) -> list[tuple]:
    sizes = " / ".join(map(str, lists.PAGE_SIZES))
    return [
        (
            f"queries per list request, page size {sizes}: `{endpoint}/`",
            " / ".join(map(str, counts)),
            "the same",
            met(len(set(counts)) == 1),
        )
        for endpoint, counts in queries.items()
    ]


def list_rows(listing: dict) -> list[tuple]:
    return [
        ratio_row(
            f"sessions list, default page: {lists.LARGE:,} vs {lists.SMALL:,} sessions",
            listing["sessions_large_ms"],
            listing["sessions_small_ms"],
            "ms",
            goal=lists.GROWTH_GOAL,
        ),
        ratio_row(
            "sessions list, page of 200, vs raw psycopg fetch + JSON of the same rows",
            listing["api_page_ms"],
            listing["raw_page_ms"],
            "ms",
            goal=lists.RAW_GOAL,
        ),
        ratio_row(
            "appointments list, page of 200, vs raw psycopg fetch + JSON of the same rows",
            listing["api_appointments_ms"],
            listing["raw_appointments_ms"],
            "ms",
            goal=lists.RAW_GOAL,
        ),
    ]


def write_rows(writing: dict) -> list[tuple]:
    return [
        ratio_row(
            f"log a session, 3 sites ({writing['statements']} statements), vs a raw psycopg "
            "transaction of the same rows",
            writing["api_ms"],
            writing["raw_ms"],
            "ms",
            goal=writes.RAW_GOAL,
        )
    ]


def load_rows(loaded: dict) -> list[tuple]:
    return [
        (
            f"load, {load.CLIENTS} clients, gunicorn {load.WORKERS} workers: {label}",
            f"{figure['per_second']:.1f}/s, p50 {figure['p50_ms']:.0f} ms, "
            f"p95 **{figure['p95_ms']:.0f} ms**, p99 {figure['p99_ms']:.0f} ms",
            "",
            "",
        )
        for label, figure in (
            ("log a session, 3 sites", loaded["write"]),
            ("list sessions", loaded["list"]),
        )
    ]


def aftercare_rows(aftercare: dict) -> list[tuple]:
    spread = f"{aftercare_dispatch.SPREAD_MESSAGES:,} over {aftercare_dispatch.SPREAD_SECONDS} s"
    return [
        ratio_row(
            f"aftercare: {aftercare_dispatch.MESSAGES:,} due messages vs as many no-op tasks",
            aftercare["outbox_s"],
            aftercare["noop_s"],
            "s",
            goal=aftercare_dispatch.RATIO_GOAL,
        ),
        ratio_row(
            f"aftercare: the same with {aftercare_dispatch.REPLIES:,} SMS replies arriving",
            aftercare["outbox_replies_s"],
            aftercare["noop_s"],
            "s",
            goal=aftercare_dispatch.RATIO_GOAL,
        ),
        (
            f"aftercare: lateness after send_at, {spread}",
            f"p50 {aftercare['late_p50_s']:.2f} s, p99 **{aftercare['late_p99_s']:.2f} s**",
            f"p99 <= {aftercare_dispatch.LATENESS_GOAL_S} s",
            met(aftercare["late_p99_s"] <= aftercare_dispatch.LATENESS_GOAL_S),
        ),
    ]


def planning_rows(planning: dict) -> list[tuple]:
    return [
        ratio_row(
            "scheduling: plan 5 sessions, 2 years vs 1 week of history",
            planning["two_years_ms"],
            planning["one_week_ms"],
            "ms",
            goal=plan_course.GOAL,
        )
    ]


def report_rows(figures: dict) -> list[tuple]:
    sessions = f"{figures['sessions']:,}"
    tenth, whole = figures["report_queries"]
    small, large = figures["peak_small_mb"], figures["peak_large_mb"]
    return [
        ratio_row(
            f"adverse-event report, {sessions} sessions, vs the same four raw SQL aggregates",
            figures["report_ms"],
            figures["raw_report_ms"],
            "ms",
            goal=rates_and_export.REPORT_GOAL,
        ),
        (
            "queries per adverse-event report, a tenth vs all the sessions",
            f"{tenth} / {whole}",
            "the same",
            met(tenth == whole),
        ),
        ratio_row(
            f"CSV export, {sessions} sessions ({figures['export_mb']:.0f} MB), vs COPY TO STDOUT",
            figures["export_s"],
            figures["copy_s"],
            "s",
            goal=rates_and_export.EXPORT_GOAL,
        ),
        (
            "CSV export, peak Python memory: a tenth vs all the sessions",
            f"{small:.1f} vs {large:.1f} MB: ratio **{large / small:.2f}**",
            f"<= {rates_and_export.MEMORY_GOAL}",
            met(large / small <= rates_and_export.MEMORY_GOAL),
        ),
    ]


def staff_app_rows(driven: dict) -> list[tuple]:
    rows = []
    for task, measure, goal in (
        (
            "session",
            "staff app: a 4-site session, an e-stim pair, pain scores, from Today",
            staff_app.SESSION_GOAL,
        ),
        (
            "course",
            "staff app: a 5-session course booked with the wizard, from Today",
            staff_app.COURSE_GOAL,
        ),
    ):
        done = driven[task]
        figure = (
            f"**{done['interactions']} interactions** ({done['clicks']} clicks, "
            f"{done['fields']} fields, {done['keys']} keys), {done['seconds']:.1f} s"
        )
        rows.append((measure, figure, f"<= {goal}", met(done["interactions"] <= goal)))
    pages = driven["pages_ms"]
    slowest = max(pages, key=pages.get)
    rows.append(
        (
            f"staff app: slowest of {len(pages)} pages, server time on the demo clinic",
            f"**{pages[slowest]:.0f} ms** (`{re.sub(UUID, '<id>', slowest)}`), median "
            f"{statistics.median(pages.values()):.0f} ms",
            f"< {staff_app.PAGE_GOAL_MS} ms",
            met(pages[slowest] < staff_app.PAGE_GOAL_MS),
        )
    )
    return rows


def machine(postgresql: str) -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu_model()}, {os.cpu_count()} CPUs, {memory:.0f} GB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {postgresql}"
    )


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def markdown(table: list[tuple]) -> str:
    lines = ["| measure | figure | goal | met |", "|---|---|---|---|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in table])


def keep(report: str) -> None:
    """Replace the figures in docs/performance.md (between its two markers)."""
    before, rest = PERFORMANCE.read_text().split(START)
    after = rest.split(END)[1]
    PERFORMANCE.write_text(f"{before}{START}\n{report}\n{END}{after}")


def main() -> None:
    # Wall-clock figures first, before the bulk inserts of lists.py keep PostgreSQL busy; and
    # the write path's ratio, whose raw side is mostly a COMMIT waiting for the disk (after
    # those inserts it read 4.1 where it reads 5.1-5.3 alone).
    planning = in_own_process(plan_course)
    driven = in_own_process(staff_app)
    aftercare = in_own_process(aftercare_dispatch)
    loaded = in_own_process(load)
    writing = in_own_process(writes)
    listing = in_own_process(lists)
    reporting = in_own_process(rates_and_export)
    table = [
        *query_rows(listing["queries"]),
        *list_rows(listing),
        *write_rows(writing),
        *load_rows(loaded),
        *aftercare_rows(aftercare),
        *planning_rows(planning),
        *report_rows(reporting),
        *staff_app_rows(driven),
    ]
    report = (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine(listing['postgresql'])}.\n\n"
        + markdown(table)
    )
    print(f"\n{report}\n")
    keep(report)
    print(f"(kept in {PERFORMANCE.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
