"""Delivery, one step at a time: the sweep queues what is due, the send claims and records."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftercare import channels, delivery, outbox
from aftercare.models import Notification
from clinic.holds import archive_patient, place_on_hold
from clinic.models import Patient
from sessions.models import TreatmentCourse
from tests.aftercare.outbox_rows import due_sms, run_due

pytestmark = pytest.mark.django_db


def test_due_messages_are_sent_with_the_right_words(log_session, sms_file, patient):
    session = log_session(
        heat_advised=True, ended_at=(timezone.now() - timedelta(minutes=31)).isoformat()
    )
    assert sorted(run_due()) == ["sent", "sent"]  # immediate and heat; the check-in waits
    texts = {m["id"]: m for m in sms_file()}
    immediate = Notification.objects.get(session=session["id"], kind="aftercare_immediate")
    body = texts[str(immediate.id)]["body"]
    assert texts[str(immediate.id)]["to"] == patient.phone
    assert "Northside Physio" in body and "not before" in body
    assert "chest pain" in body and "intense activity" in body
    assert len(body) <= 459  # three SMS segments, the patient page's link included
    immediate.refresh_from_db()
    assert (immediate.status, immediate.attempts) == ("sent", 1) and immediate.sent_at


def test_heat_time_is_the_patients_local_clock(log_session, sms_file, patient):
    ended = timezone.now().replace(second=0, microsecond=0)
    log_session(ended_at=ended.isoformat())
    run_due()
    from zoneinfo import ZoneInfo

    expected = (
        (ended + timedelta(minutes=30)).astimezone(ZoneInfo(patient.timezone)).strftime("%H:%M")
    )
    assert any(f"not before {expected}" in m["body"] for m in sms_file())


def test_nothing_is_queued_hours_ahead(log_session, sms_file):
    log_session()
    queued = []
    delivery.sweep(lambda notification_ids, eta: queued.append(eta))
    horizon = timezone.now() + delivery.SWEEP_INTERVAL
    assert queued and all(eta is None or eta <= horizon for eta in queued)  # None: at once


def test_a_queued_row_is_not_queued_again_until_its_lease_runs_out(log_session, sms_file):
    log_session()
    first, second = [], []
    delivery.sweep(lambda ids, eta: first.extend(ids))
    delivery.sweep(lambda ids, eta: second.extend(ids))
    assert first and second == []
    later = []
    delivery.sweep(
        lambda ids, eta: later.extend(ids), now=timezone.now() + delivery.QUEUE_LEASE * 2
    )
    assert sorted(later) == sorted(first)  # the broker lost them? the sweep finds them again


def test_two_senders_of_one_row_send_it_once(log_session, sms_file, send_one):
    log_session()
    [row] = Notification.objects.filter(kind="aftercare_immediate")
    assert [send_one(row), send_one(row)] == ["sent", "not_claimed"]
    assert len(sms_file()) == 1


def test_a_sender_that_died_mid_send_is_retried_as_another_attempt(log_session, sms_file):
    log_session()
    [row] = Notification.objects.filter(kind="aftercare_immediate")
    delivery.claim([str(row.id)], timezone.now())  # ...and the worker is killed here
    assert run_due() == []  # its lease still holds
    assert run_due(now=timezone.now() + delivery.SEND_LEASE * 2) == ["sent"]  # lease ran out
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert [m["id"] for m in sms_file()] == [str(row.id)]


def test_expired_messages_are_never_sent_late(log_session, sms_file):
    log_session(ended_at=(timezone.now() - timedelta(minutes=10)).isoformat())
    run_due(now=timezone.now() + timedelta(hours=7))
    statuses = dict(Notification.objects.values_list("kind", "status"))
    assert statuses["aftercare_immediate"] == "expired" and statuses["heat_ok"] == "expired"
    assert sms_file() == []


class FailingSms:
    def send(self, **message):
        raise channels.DeliveryError("provider unavailable")


def test_provider_errors_retry_with_backoff_then_fail(log_session, settings, send_one):
    settings.SMS_BACKEND = "tests.aftercare.test_delivery.FailingSms"
    log_session()
    [row] = Notification.objects.filter(kind="aftercare_immediate")
    assert send_one(row) == "pending"
    row.refresh_from_db()
    assert row.due_at >= timezone.now() + delivery.backoff(1) - timedelta(seconds=5)
    assert row.last_error == "provider unavailable"
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        Notification.objects.filter(pk=row.pk).update(due_at=timezone.now())
        send_one(row)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)


def test_a_patient_who_withdrew_consent_after_planning_is_not_sent_to(
    log_session, sms_file, patient
):
    log_session()
    patient.sms_consent = False
    patient.save()
    assert set(run_due()) == {"suppressed"}
    assert sms_file() == []


class MeanwhileSms:
    """An SMS provider that, as it takes a batch's first message, lets something happen to the
    patient meanwhile (`meanwhile`): the rest of the batch waits its turn."""

    changes: list = []

    def send(self, *, to, body, idempotency_key):
        if self.changes:
            self.changes.pop()()
        return f"meanwhile-{idempotency_key}"


@pytest.fixture
def meanwhile(settings, monkeypatch):
    settings.SMS_BACKEND = "tests.aftercare.test_delivery.MeanwhileSms"
    # The patients read again before every message, so that the test need not wait a second.
    settings.AFTERCARE_STANDING_SECONDS = 0
    return lambda change: monkeypatch.setattr(MeanwhileSms, "changes", [change])


def statuses_sending(rows) -> list[str]:
    return sorted(delivery.send([str(row.id) for row in rows]).values())


def test_a_stop_texted_while_a_batch_is_sent_suppresses_the_rest_of_it(meanwhile, clinic, patient):
    meanwhile(lambda: outbox.withdraw_sms_consent(patient.phone))
    rows = due_sms(clinic, patient, [timezone.now()] * 3, label="stop")
    assert statuses_sending(rows) == ["sent", "suppressed", "suppressed"]


def test_a_patient_who_turns_to_email_while_a_batch_is_sent_gets_no_more_of_its_sms(
    meanwhile, clinic, patient
):
    meanwhile(lambda: Patient.objects.filter(pk=patient.pk).update(preferred_channel="email"))
    rows = due_sms(clinic, patient, [timezone.now()] * 3, label="email")
    assert statuses_sending(rows) == ["cancelled", "cancelled", "sent"]


def test_a_hold_placed_while_a_batch_is_sent_cancels_the_rest_of_its_heat_messages(
    meanwhile, clinic, patient
):
    meanwhile(lambda: place_on_hold(patient, reason="Chest pain reported by phone"))
    rows = due_sms(clinic, patient, [timezone.now()] * 3, label="heat", kind="heat_ok")
    assert statuses_sending(rows) == ["cancelled", "cancelled", "sent"]


def test_archiving_while_a_batch_is_sent_cancels_the_rest_of_what_was_planned_before(
    meanwhile, clinic, patient
):
    meanwhile(lambda: archive_patient(patient))
    rows = due_sms(clinic, patient, [timezone.now()] * 3, label="archived")
    assert statuses_sending(rows) == ["cancelled", "cancelled", "sent"]
    # An answer planned since (to red-flag words the archived patient texted) still goes.
    answer = due_sms(clinic, patient, [timezone.now()], label="answer", kind="urgent_care")
    assert statuses_sending(answer) == ["sent"]
    # A heat message planned since (as the archive was written) invites care: it does not go.
    heat = due_sms(clinic, patient, [timezone.now()], label="heat", kind="heat_ok")
    assert statuses_sending(heat) == ["cancelled"]


def test_email_has_a_subject_text_and_html(log_session, patient):
    patient.preferred_channel = "email"
    patient.save()
    log_session()
    run_due()
    message = next(m for m in mail.outbox if "aftercare" in m.subject.lower())
    assert message.to == [patient.email] and message.body.startswith("Dear Ada,")
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["X-Filiform-Notification"]


def test_a_clinics_own_words_replace_the_built_in_text(log_session, sms_file, clinic):
    from aftercare.models import MessageText

    MessageText.objects.create(
        clinic=clinic,
        kind="aftercare_immediate",
        subject="Aftercare",
        body="{{ clinic }} says: rest today, heat after {{ heat_time }}.",
    )
    log_session()
    run_due()
    assert any(m["body"].startswith("Northside Physio says: rest today") for m in sms_file())


def test_the_check_in_carries_the_patient_page_link(log_session, sms_file, clinic):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: due whatever the hour
    clinic.save()
    log_session(
        started_at=(timezone.now() - timedelta(hours=26)).isoformat(),
        ended_at=(timezone.now() - timedelta(hours=25)).isoformat(),
    )
    run_due()
    [checkin] = [m for m in sms_file() if "/p/" in m["body"]]
    assert "side effects" in checkin["body"]


def test_a_serious_side_effect_alert_is_emailed_to_the_admin(log_session, therapist_api, admin):
    admin.email = "lead@example.org"
    admin.save()
    session = log_session()
    therapist_api.post(
        "/api/v1/side-effects/",
        {"session": session["id"], "kind": "nerve_injury", "severity": "moderate"},
        format="json",
    )
    run_due()
    [alert] = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    assert "Nerve injury" in alert.subject and "Lovelace" in alert.body


def test_rows_falling_due_together_share_a_send_task(sms_file, clinic, patient):
    now = timezone.now()
    due_now = due_sms(clinic, patient, [now] * (delivery.BATCH + 1), label="now")
    [soon] = due_sms(clinic, patient, [now + timedelta(seconds=3)], label="soon")
    queued = []
    delivery.sweep(lambda ids, eta: queued.append((ids, eta)), now=now)
    assert [(len(ids), eta) for ids, eta in queued] == [
        (delivery.BATCH, None),  # due already: at once, at most BATCH to a task
        (1, None),
        (1, soon.due_at),  # due later: on its own, not before its time
    ]
    assert {i for ids, _ in queued for i in ids} == {str(r.id) for r in [*due_now, soon]}


def test_rows_further_apart_than_the_batch_span_go_to_separate_tasks():
    now = timezone.now()
    span = delivery.BATCH_SPAN
    due = [
        ("a", now + span),
        ("b", now + span * 1.5),
        ("c", now + span * 2),
        ("d", now + span * 2.5),
    ]
    grouped = delivery.batches(due, now)
    assert [[row_id for row_id, _ in batch] for batch in grouped] == [["a", "b", "c"], ["d"]]


def test_a_batch_sends_only_the_rows_still_due_and_unclaimed(sms_file, clinic, patient, send_one):
    now = timezone.now()
    first, taken, later = due_sms(
        clinic, patient, [now, now, now + timedelta(minutes=5)], label="batch"
    )
    assert send_one(taken) == "sent"  # another sender got there first
    ids = [str(first.id), str(taken.id), str(later.id)]
    assert delivery.send(ids) == {ids[0]: "sent", ids[1]: "not_claimed", ids[2]: "not_claimed"}
    assert sorted(m["id"] for m in sms_file()) == sorted([str(first.id), str(taken.id)])


class SlowSms:
    def send(self, **message):
        time.sleep(0.3)
        return "slow-1"


def test_a_batch_gives_back_what_it_cannot_send_within_half_its_lease(
    settings, monkeypatch, clinic, patient
):
    settings.SMS_BACKEND = "tests.aftercare.test_delivery.SlowSms"
    monkeypatch.setattr(delivery, "SEND_LEASE", timedelta(seconds=0.5))
    rows = due_sms(clinic, patient, [timezone.now()] * 3, label="slow")
    outcome = delivery.send([str(r.id) for r in rows])
    assert list(outcome.values()) == ["sent", "pending", "pending"]
    left = Notification.objects.exclude(status="sent")
    # Back in the queue for the next sweep, and no attempt spent on them.
    assert {(r.status, r.attempts, r.lease_until, r.queued_until) for r in left} == {
        ("pending", 0, None, None)
    }


class BrokenSms:
    def send(self, **message):
        raise RuntimeError("a bug, not a provider error")


def test_a_send_that_breaks_is_retried_like_a_provider_error_and_its_batch_goes_on(
    settings, clinic, patient
):
    settings.SMS_BACKEND = "tests.aftercare.test_delivery.BrokenSms"
    rows = due_sms(clinic, patient, [timezone.now()] * 3, label="broken")
    assert list(delivery.send([str(r.id) for r in rows]).values()) == ["pending"] * 3
    for row in Notification.objects.all():
        assert (row.status, row.attempts, row.lease_until) == ("pending", 1, None)
        assert row.last_error == "RuntimeError: a bug, not a provider error"
        assert row.due_at > timezone.now()  # backing off, like a provider error


def test_a_message_that_cannot_be_written_fails_after_the_last_attempt(
    log_session, sms_file, patient
):
    log_session()
    [row] = Notification.objects.filter(kind="aftercare_immediate")
    # Bad data, not the provider: a time zone that no longer exists breaks the words.
    type(patient).objects.filter(pk=patient.pk).update(timezone="Atlantis/Capital")
    outcomes = []
    for _ in range(delivery.MAX_ATTEMPTS + 1):
        Notification.objects.filter(pk=row.pk).update(due_at=timezone.now())
        outcomes += run_due()
    assert outcomes == ["pending"] * (delivery.MAX_ATTEMPTS - 1) + ["failed"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert "Atlantis/Capital" in row.last_error
    assert sms_file() == []


def test_a_message_whose_sender_dies_on_every_attempt_fails_after_the_last(
    sms_file, clinic, patient
):
    [row] = due_sms(clinic, patient, [timezone.now()], label="dies")
    now = timezone.now()
    statuses = []
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.claim([str(row.id)], now)  # ...and the worker is killed here, every time
        now += delivery.SEND_LEASE * 2
        delivery.sweep(lambda ids, eta: None, now=now)
        row.refresh_from_db()
        statuses.append(row.status)
    assert statuses == ["pending"] * (delivery.MAX_ATTEMPTS - 1) + ["failed"]
    assert (row.attempts, row.last_error) == (delivery.MAX_ATTEMPTS, delivery.SENDER_DIED)


def test_a_batch_reads_its_courses_once_however_many_it_names(
    clinic, patient, therapist, sms_file, settings
):
    """Each rebooking message says how many sessions are left in its own course; a batch of
    them costs the same queries as one (its patients' standing is read again once a second,
    not per message)."""
    settings.AFTERCARE_STANDING_SECONDS = 3600  # a slow machine's second is not a re-read
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: they go now
    clinic.save()
    now = timezone.now()

    def rebook_rows(planned_sessions: list[int], label: str) -> list[str]:
        rows = []
        for n, planned in enumerate(planned_sessions):
            course = TreatmentCourse.objects.create(
                clinic=clinic,
                patient=patient,
                therapist=therapist,
                indication="Neck pain",
                planned_sessions=planned,
                earliest_start=now,
            )
            rows.append(
                Notification.objects.create(
                    clinic=clinic,
                    patient=patient,
                    course=course,
                    kind="course_rebook",
                    channel="sms",
                    dedupe_key=f"{label}:{n}",
                    send_at=now,
                    due_at=now,
                    expires_at=now + timedelta(days=1),
                )
            )
        return [str(row.id) for row in rows]

    def reads_to_send(ids: list[str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert set(delivery.send(ids).values()) == {"sent"}
        return sum(query["sql"].startswith("SELECT") for query in captured)

    assert reads_to_send(rebook_rows([2], "one")) == reads_to_send(rebook_rows([3, 4, 6], "three"))
    bodies = " ".join(message["body"] for message in sms_file())
    assert all(f"sessions left: {left}" in bodies for left in "2346")
