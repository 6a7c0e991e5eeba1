"""The adverse-event report against a fixture computed by hand: 20 sessions in the window,
3 followed by mild side effects (4 reports), 1 by a serious one."""

from datetime import timedelta
from math import sqrt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions.models import NeedlingSession, SideEffect
from sessions.records.rules import is_serious

Z = 1.96


def wilson_by_hand(count, total):
    p = count / total
    centre = 2 * total * p + Z * Z
    spread = Z * sqrt(Z * Z + 4 * total * p * (1 - p))
    return [(centre - spread) / (2 * (total + Z * Z)), (centre + spread) / (2 * (total + Z * Z))]


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def make_sessions(screen):
    """`count` ended sessions of `patient` with `therapist`, a day apart, from `first`."""
    screenings = {}

    def make(patient, therapist, first, count, ended=True):
        if patient.pk not in screenings:
            screenings[patient.pk] = screen(patient)
        return [
            NeedlingSession.objects.create(
                clinic=patient.clinic,
                patient=patient,
                therapist=therapist,
                screening=screenings[patient.pk],
                started_at=first + timedelta(days=n),
                ended_at=first + timedelta(days=n, minutes=40) if ended else None,
            )
            for n in range(count)
        ]

    return make


def side_effect(session, kind, severity="mild"):
    return SideEffect.objects.create(
        clinic_id=session.clinic_id,
        session=session,
        patient_id=session.patient_id,
        kind=kind,
        severity=severity,
        reported_by="therapist",
        serious=is_serious(kind, severity),
    )


@pytest.fixture
def since(now):
    return now - timedelta(days=30)


@pytest.fixture
def clinic_record(
    make_sessions, make_therapist, clinic, patient, therapist, since, screen, other_patient
):
    """In the window: Ann (`therapist`) 15 sessions, Ben 5; outside it, and unfinished, more."""
    ben = make_therapist(clinic, "ben-therapist", full_name="Ben Carter")
    ann_sessions = make_sessions(patient, therapist, since + timedelta(hours=1), 15)
    make_sessions(patient, ben, since + timedelta(days=15, hours=3), 5)
    side_effect(ann_sessions[0], "bruising")
    side_effect(ann_sessions[0], "bleeding")
    side_effect(ann_sessions[1], "soreness_after", "moderate")  # not serious: counted as mild
    side_effect(ann_sessions[2], "bruising")
    side_effect(ann_sessions[3], "pneumothorax")  # serious by its kind, whatever its severity
    before = make_sessions(patient, therapist, since - timedelta(days=3), 1)[0]
    side_effect(before, "bruising")
    make_sessions(patient, ben, since + timedelta(days=25), 1, ended=False)
    elsewhere = make_sessions(other_patient, other_patient.clinic.staff.first(), since, 2)
    side_effect(elsewhere[0], "fainting", "severe")
    return {"ann": therapist, "ben": ben}


def report(api, since, **query):
    answer = api.get("/api/v1/reports/adverse-events/", {"since": since.isoformat(), **query})
    assert answer.status_code == 200, answer.json()
    return answer.json()


def test_every_figure_matches_the_hand_computed_fixture(admin_api, clinic_record, since):
    figures = report(admin_api, since)
    assert figures["sessions"] == 20
    assert figures["mild"]["count"] == 3 and figures["mild"]["events"] == 4
    assert figures["mild"]["rate"] == 0.15
    assert figures["mild"]["ci95"] == pytest.approx(wilson_by_hand(3, 20), abs=1e-4)
    assert figures["serious"]["count"] == 1 and figures["serious"]["events"] == 1
    assert figures["serious"]["rate"] == 0.05
    assert figures["serious"]["ci95"] == pytest.approx(wilson_by_hand(1, 20), abs=1e-4)
    assert [{k: v for k, v in row.items() if k != "published"} for row in figures["by_kind"]] == [
        {"kind": "bruising", "count": 2, "rate": 0.1, "events": 2},
        {"kind": "bleeding", "count": 1, "rate": 0.05, "events": 1},
        {"kind": "pneumothorax", "count": 1, "rate": 0.05, "events": 1},
        {"kind": "soreness_after", "count": 1, "rate": 0.05, "events": 1},
    ]


def test_each_kind_stands_beside_the_rates_the_studies_published_for_it(
    admin_api, clinic_record, since
):
    published = {row["kind"]: row["published"] for row in report(admin_api, since)["by_kind"]}
    # domain.md: Brady 2014 bruising 7.55%, bleeding 4.65%, pain after 2.19%; Boyce 2020
    # bleeding 16%, bruising 7.7%; neither gives pneumothorax or soreness apart (Boyce).
    assert published["bruising"] == [
        {"short": "Brady 2014", "rate": 0.0755},
        {"short": "Boyce 2020", "rate": 0.077},
    ]
    assert published["bleeding"] == [
        {"short": "Brady 2014", "rate": 0.0465},
        {"short": "Boyce 2020", "rate": 0.16},
    ]
    assert published["soreness_after"] == [
        {"short": "Brady 2014", "rate": 0.0219},
        {"short": "Boyce 2020", "rate": None},
    ]
    assert [study["rate"] for study in published["pneumothorax"]] == [None, None]


def test_the_published_rates_are_there_to_compare(admin_api, clinic_record, since):
    published = report(admin_api, since)["published"]
    assert [(study["sessions"], study["rate"]) for study in published] == [
        (7629, pytest.approx(0.1918, abs=1e-4)),
        (20464, pytest.approx(0.368, abs=1e-3)),
    ]
    assert published[0]["source"].startswith("Brady")
    assert published[1]["source"].startswith("Boyce")
    assert published[0]["serious_rate"] == 0  # Brady 2014: no significant adverse event
    assert published[1]["serious_rate"] == pytest.approx(20 / 20464)


def test_each_therapist_is_shown_against_the_clinic(admin_api, clinic_record, since):
    ann, ben = (
        {"sessions": 15, "mild": 3, "rate": 0.2},
        {"sessions": 5, "mild": 0, "rate": 0.0},
    )
    rows = {row["therapist"]: row for row in report(admin_api, since)["therapists"]}
    for who, expected in (("ann", ann), ("ben", ben)):
        row = rows[str(clinic_record[who].id)]
        assert {name: row[name] for name in expected} == expected
        high = 0.15 + Z * sqrt(0.15 * 0.85 / expected["sessions"])
        assert row["limits95"] == pytest.approx([0.0, high], abs=1e-4)
        assert row["signal"] == "within"
    assert rows[str(clinic_record["ben"].id)]["name"] == "Ben Carter"
    funnel = report(admin_api, since)["funnel"]
    assert funnel[0]["sessions"] == 1 and funnel[-1]["sessions"] == 15
    for point in (funnel[0], funnel[-1]):  # the curve's limits, by hand
        high = min(1.0, 0.15 + Z * sqrt(0.15 * 0.85 / point["sessions"]))
        assert point["limits95"] == pytest.approx([0.0, high], abs=1e-4)


def test_the_window_bounds_which_sessions_count(admin_api, clinic_record, since):
    first_week = report(admin_api, since, until=(since + timedelta(days=7)).isoformat())
    assert first_week["sessions"] == 7
    everything = admin_api.get("/api/v1/reports/adverse-events/").json()
    assert everything["sessions"] == 21 and everything["mild"]["count"] == 4


def test_the_report_runs_the_same_queries_whatever_the_number_of_sessions(
    admin_api, clinic_record, since, make_sessions, patient
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            report(admin_api, since)
        return len(captured)

    before = queries()
    make_sessions(patient, clinic_record["ann"], since + timedelta(days=20), 10)
    assert queries() == before


def test_only_administrators_see_the_report_and_only_their_clinics(
    therapist_api, other_admin_api, clinic_record, since
):
    assert (
        therapist_api.get("/api/v1/reports/adverse-events/").status_code == 403
    )  # it compares colleagues
    theirs = report(other_admin_api, since - timedelta(days=1))
    assert theirs["sessions"] == 2 and theirs["serious"]["count"] == 1
    assert {row["name"] for row in theirs["therapists"]} == {"south-admin"}


@pytest.mark.parametrize(
    "query",
    [
        {"since": "yesterday"},
        {"since": "2026-03-02T09:00:00Z", "until": "2026-03-01T09:00:00Z"},
        {"since": "2026-03-02T09:00:00Z", "until": "2026-03-02T09:00:00Z"},  # holds nothing
        {"until": "0001-01-01T00:00:00Z"},
    ],
)
def test_a_bad_window_is_a_field_error(admin_api, query):
    answer = admin_api.get("/api/v1/reports/adverse-events/", query)
    assert answer.status_code == 400
