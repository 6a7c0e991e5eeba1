"""The waitlist: a cancelled appointment's time is offered to the earliest entry it fits, and
the patient takes it from the link in the offer, booked by the same rules as any booking."""

import re
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftercare import delivery, links, waitlist
from aftercare.models import Notification, WaitlistEntry, WaitlistOffer
from clinic.holds import archive_patient, place_on_hold
from clinic.models import Patient
from sessions.models import Appointment
from sessions.scheduling.services import mark_no_show
from tests.accounts import api_client
from tests.real_parts import wait_until, waiting_on_a_lock

URL = "/api/v1/waitlist/"


@pytest.fixture
def join(admin_api, therapist, monday_10):
    """Put a patient on the waitlist for Monday 09:00-12:00 (or as given)."""

    def join(patient, minutes=45, **fields):
        body = {
            "patient": str(patient.id),
            "earliest": (monday_10 - timedelta(hours=1)).isoformat(),
            "latest": (monday_10 + timedelta(hours=2)).isoformat(),
            "minutes": minutes,
            **fields,
        }
        return admin_api.post(URL, body, format="json")

    return join


@pytest.fixture
def freed(book, monday_10, admin_api):
    """Book Monday 10:00 for the fixture patient, then let the clinic cancel it."""

    def cancel():
        booked = book(monday_10).json()
        answer = admin_api.post(f"/api/v1/appointments/{booked['id']}/cancel/", {}, format="json")
        assert answer.status_code == 200
        return booked

    return cancel


def offer_path(offer: WaitlistOffer) -> str:
    return f"/p/offer/{links.WAITLIST_OFFER.token_for(offer.id)}/"


@pytest.mark.django_db
def test_the_waitlist_is_listed_and_joined_per_clinic(
    join, admin_api, other_admin_api, make_patient, clinic, other_patient
):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    answer = join(grace)
    assert answer.status_code == 201 and answer.json()["status"] == "waiting"
    assert [e["patient"] for e in admin_api.get(URL).json()["results"]] == [str(grace.id)]
    assert other_admin_api.get(URL).json()["results"] == []
    assert join(other_patient).status_code == 400  # another clinic's patient: not found here


@pytest.mark.django_db
def test_a_window_too_short_for_the_appointment_is_refused(join, make_patient, clinic, monday_10):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    answer = join(grace, latest=(monday_10 - timedelta(minutes=30)).isoformat())
    assert answer.status_code == 400 and "minutes" in answer.json()
    answer = join(grace, latest=(monday_10 - timedelta(hours=2)).isoformat())
    assert answer.status_code == 400 and "latest" in answer.json()


@pytest.mark.django_db
def test_a_cancellation_offers_the_slot_to_the_earliest_entry_that_fits(
    join, freed, make_patient, clinic, other_therapist, make_therapist
):
    someone_else = make_therapist(clinic, "ben")
    first, second, third = (
        make_patient(clinic, given_name=name, phone=f"+44791100033{n}")
        for n, name in enumerate(["Ann", "Bea", "Cy"])
    )
    join(first, therapist=str(someone_else.id))  # waits for another therapist
    join(second, minutes=60)  # longer than the freed 45 minutes
    join(third)
    freed()
    [offer] = WaitlistOffer.objects.all()
    assert offer.entry.patient == third
    [message] = Notification.objects.filter(kind="waitlist_offer")
    assert (message.patient, message.waitlist_offer) == (third, offer)


@pytest.mark.django_db
def test_the_patient_takes_the_offer_from_the_link_and_a_second_take_books_nothing(
    join, freed, make_patient, clinic, therapist, monday_10, sms_file, settings
):
    settings.PUBLIC_BASE_URL = "https://clinic.example.org"
    clinic.quiet_hours_end = clinic.quiet_hours_start  # no quiet hours: the offer goes now
    clinic.save()
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    join(grace)
    freed()
    delivery.sweep(lambda ids, eta: delivery.send(ids))
    [sms] = [m for m in sms_file() if m["to"] == grace.phone]
    path = re.search(r"https://clinic\.example\.org(/p/offer/\S+/)", sms["body"]).group(1)
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert "Take this appointment" in page.content.decode()
    token = page.cookies["csrftoken"].value
    taken = client.post(path, {"csrfmiddlewaretoken": token}, follow=True)
    assert "It is yours" in taken.content.decode()
    [booked] = Appointment.objects.filter(patient=grace)
    assert (booked.starts_at, booked.therapist, booked.status) == (monday_10, therapist, "booked")
    again = client.post(path, {"csrfmiddlewaretoken": token}, follow=True)
    assert "It is yours" in again.content.decode()
    assert Appointment.objects.filter(patient=grace).count() == 1


@pytest.mark.django_db
def test_a_spanish_patient_is_offered_the_slot_in_spanish(
    join, freed, make_patient, clinic, sms_file, settings
):
    settings.PUBLIC_BASE_URL = "https://clinic.example.org"
    clinic.quiet_hours_end = clinic.quiet_hours_start  # no quiet hours: the offer goes now
    clinic.save()
    lucia = make_patient(clinic, given_name="Lucía", phone="+447911000444", language="es")
    join(lucia)
    freed()
    delivery.sweep(lambda ids, eta: delivery.send(ids))
    [sms] = [m for m in sms_file() if m["to"] == lucia.phone]
    path = re.search(r"https://clinic\.example\.org(/p/offer/\S+/)", sms["body"]).group(1)
    page = Client().get(path).content.decode()
    assert '<html lang="es">' in page and "Reservar esta cita" in page
    assert "Take this appointment" not in page


@pytest.mark.django_db
def test_an_unanswered_offer_passes_to_the_next_entry_and_its_link_says_the_slot_is_gone(
    join, freed, make_patient, clinic
):
    ann, bea = (
        make_patient(clinic, given_name=name, phone=f"+44791100044{n}")
        for n, name in enumerate(["Ann", "Bea"])
    )
    join(ann)
    join(bea)
    freed()
    first = WaitlistOffer.objects.get()
    assert waitlist.pass_on_lapsed(timezone.now() + timedelta(hours=1)) == 0
    assert waitlist.pass_on_lapsed(first.expires_at + timedelta(seconds=1)) == 1
    second = WaitlistOffer.objects.exclude(pk=first.pk).get()
    assert (second.entry.patient, second.status) == (bea, "offered")
    late = Client().post(offer_path(first), follow=True)
    assert "this slot has gone" in late.content.decode()
    assert not Appointment.objects.filter(patient=ann).exists()


@pytest.mark.django_db
def test_a_forged_offer_link_is_not_found(join, freed):
    assert Client().get("/p/offer/forged-token/").status_code == 404


def waits_for_monday(admin_api, patient, monday_10) -> None:
    waiting = {
        "patient": str(patient.id),
        "earliest": monday_10.isoformat(),
        "latest": (monday_10 + timedelta(hours=1)).isoformat(),
        "minutes": 45,
    }
    assert admin_api.post(URL, waiting, format="json").status_code == 201


def booked_on_monday(admin_api, therapist, patient, monday_10) -> str:
    answer = admin_api.post(
        "/api/v1/appointments/",
        {
            "patient": str(patient.id),
            "therapist": str(therapist.id),
            "starts_at": monday_10.isoformat(),
            "ends_at": (monday_10 + timedelta(minutes=45)).isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    return answer.json()["id"]


def offered_to_grace(admin, therapist, clinic, make_patient, monday_10):
    """Committed, for tests racing on it: Grace waits, a booking at Monday 10:00 is cancelled,
    and its slot is offered to her."""
    admin_api = api_client(admin)
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    waits_for_monday(admin_api, grace, monday_10)
    booked = booked_on_monday(admin_api, therapist, make_patient(clinic), monday_10)
    admin_api.post(f"/api/v1/appointments/{booked}/cancel/", {}, format="json")
    return grace, WaitlistOffer.objects.get()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_acceptances_book_exactly_once(admin, therapist, clinic, make_patient, monday_10):
    grace, offer = offered_to_grace(admin, therapist, clinic, make_patient, monday_10)
    barrier, outcomes = threading.Barrier(4), []

    def accept():
        barrier.wait()
        try:
            waitlist.accept_offer(offer.id)
            outcomes.append("booked")
        except Exception as refusal:  # the losers say why they lost
            outcomes.append(getattr(refusal, "code", repr(refusal)))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["slot_gone"] * 3
    assert Appointment.objects.filter(patient=grace, status="booked").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hold_and_the_patients_own_acceptance_at_once_wait_for_each_other(
    admin, therapist, clinic, make_patient, monday_10
):
    """The hold takes the patient's row, then withdraws her offer; the acceptance, in the same
    order, waits for the hold and is refused by it. In the other order the two deadlock."""
    grace, offer = offered_to_grace(admin, therapist, clinic, make_patient, monday_10)
    holding, go, outcomes = threading.Event(), threading.Event(), {}

    def hold():
        try:
            with transaction.atomic():
                Patient.objects.select_for_update().get(pk=grace.pk)
                holding.set()
                assert go.wait(10)  # until the acceptance waits on a lock
                place_on_hold(grace, reason="Pneumothorax reported by the therapist.")
            outcomes["hold"] = "placed"
        except Exception as failure:
            outcomes["hold"] = repr(failure)
        finally:
            connection.close()

    def take():
        try:
            waitlist.accept_offer(offer.id)
            outcomes["take"] = "booked"
        except Exception as refusal:
            outcomes["take"] = getattr(refusal, "code", repr(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=take)]
    threads[0].start()
    assert holding.wait(10)
    threads[1].start()
    wait_until(lambda: waiting_on_a_lock() == 1, 10, "the acceptance waiting on a lock")
    go.set()
    for thread in threads:
        thread.join()
    assert outcomes == {"hold": "placed", "take": "clinical_hold"}
    assert not Appointment.objects.filter(patient=grace).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_slot_freed_while_a_patient_is_being_put_on_hold_goes_to_the_next_entry(
    admin, therapist, clinic, make_patient, monday_10
):
    admin_api = api_client(admin)
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    henry = make_patient(clinic, given_name="Henry", phone="+447911000333")
    for patient in (grace, henry):
        waits_for_monday(admin_api, patient, monday_10)
    booked = booked_on_monday(admin_api, therapist, make_patient(clinic), monday_10)
    holding, freed, failures = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                place_on_hold(grace, reason="Pneumothorax reported by the therapist.")
                holding.set()
                assert freed.wait(10)  # the slot is freed before the hold commits
        except Exception as failure:
            failures.append(repr(failure))
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(10)
    admin_api.post(f"/api/v1/appointments/{booked}/cancel/", {}, format="json")
    freed.set()
    thread.join()
    assert failures == []
    assert [offer.entry.patient for offer in WaitlistOffer.objects.all()] == [henry]


@pytest.mark.django_db
def test_a_freed_slot_passes_over_a_patient_booked_elsewhere_at_that_time(
    join, freed, book, monday_10, make_patient, make_therapist, clinic
):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    henry = make_patient(clinic, given_name="Henry", phone="+447911000333")
    ben = make_therapist(clinic, "ben")
    assert book(monday_10 + timedelta(minutes=30), patient=grace, therapist=ben).status_code == 201
    join(grace)
    join(henry)
    freed()
    [offer] = WaitlistOffer.objects.all()
    assert offer.entry.patient == henry
    assert WaitlistEntry.objects.get(patient=grace).status == "waiting"


@pytest.mark.django_db
def test_offering_a_freed_slot_costs_the_same_queries_however_many_waiting_are_busy_then(
    join, book, monday_10, make_patient, make_therapist, clinic
):
    colleagues = [make_therapist(clinic, f"colleague-{number}") for number in range(3)]

    def queries_to_offer(busy: int) -> int:
        with transaction.atomic():
            freed = Appointment.objects.get(pk=book(monday_10).json()["id"])
            Appointment.objects.filter(pk=freed.pk).update(status="cancelled")  # no offer yet
            freed.refresh_from_db()
            for number in range(busy):  # waiting, and booked with a colleague then
                elsewhere = make_patient(clinic, given_name=f"Busy{number}")
                booked = book(monday_10, patient=elsewhere, therapist=colleagues[number])
                assert booked.status_code == 201
                join(elsewhere)
            free = make_patient(clinic, given_name="Free")
            join(free)
            with CaptureQueriesContext(connection) as captured:
                offer = waitlist.offer_freed_slot(freed)
            assert offer is not None and offer.entry.patient == free
            transaction.set_rollback(True)
        return len(captured)

    assert queries_to_offer(0) == queries_to_offer(3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reached_by, offered_to",
    [
        ({"sms_consent": False}, "Henry"),  # prefers SMS, never consented (or texted STOP)
        ({"preferred_channel": "both", "sms_consent": False, "email_consent": False}, "Henry"),
        ({"preferred_channel": "email", "phone": ""}, "Grace"),  # email consented: she hears
        ({"preferred_channel": "both", "sms_consent": False}, "Grace"),
    ],
)
def test_a_freed_slot_is_offered_only_to_a_patient_a_message_can_reach(
    join, freed, make_patient, clinic, reached_by, offered_to
):
    grace = make_patient(clinic, given_name="Grace", **{"phone": "+447911000222", **reached_by})
    henry = make_patient(clinic, given_name="Henry", phone="+447911000333")
    join(grace)
    join(henry)
    freed()
    [offer] = WaitlistOffer.objects.all()
    assert offer.entry.patient.given_name == offered_to
    [message] = Notification.objects.filter(waitlist_offer=offer, status="pending")
    assert message.patient == offer.entry.patient


@pytest.fixture
def freed_before_anyone_waits(freed):
    """Monday 10:00, cancelled while nobody waited: offered by hand, as of a moment chosen."""
    return Appointment.objects.get(pk=freed()["id"])


@pytest.mark.django_db
def test_a_slot_its_offer_could_tell_only_once_it_has_begun_is_offered_to_nobody(
    join, freed_before_anyone_waits, make_patient, clinic, monday_10
):
    """Quiet hours until 10:30 on the patient's clock: freed at 22:00 the evening before, the
    10:00 slot could be told of only after it had begun."""
    clinic.quiet_hours_start, clinic.quiet_hours_end = time(21), time(10, 30)
    clinic.save()
    join(make_patient(clinic, given_name="Grace", phone="+447911000222"))
    evening_before = monday_10 - timedelta(hours=12)
    assert waitlist.offer_freed_slot(freed_before_anyone_waits, now=evening_before) is None
    assert WaitlistEntry.objects.get().status == "waiting"


@pytest.mark.django_db
def test_a_waitlist_offer_stands_no_longer_than_until_its_slot_begins(
    join, freed_before_anyone_waits, make_patient, clinic, monday_10
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours
    clinic.waitlist_offer_minutes = 60
    clinic.save()
    join(make_patient(clinic, given_name="Grace", phone="+447911000222"))
    twenty_to = monday_10 - timedelta(minutes=20)
    offer = waitlist.offer_freed_slot(freed_before_anyone_waits, now=twenty_to)
    [message] = Notification.objects.filter(waitlist_offer=offer)
    assert (offer.expires_at, message.send_at, message.expires_at) == (
        monday_10,
        twenty_to,
        monday_10,
    )


@pytest.mark.django_db
def test_a_patient_on_clinical_hold_cannot_join_the_waitlist(join, make_patient, clinic):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    place_on_hold(grace, reason="Serious side effect reported by the therapist.")
    answer = join(grace)
    assert answer.status_code == 409 and answer.json()["code"] == "clinical_hold"


@pytest.mark.django_db
@pytest.mark.parametrize("closed_by", ["hold", "archive"])
def test_a_hold_or_the_archive_withdraws_the_patients_offer_and_the_slot_goes_on(
    join, freed, make_patient, clinic, closed_by
):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    henry = make_patient(clinic, given_name="Henry", phone="+447911000333")
    join(grace)
    join(henry)
    freed()
    [offered] = WaitlistOffer.objects.all()
    assert offered.entry.patient == grace
    if closed_by == "hold":
        place_on_hold(grace, reason="Serious side effect reported by the therapist.")
    else:
        archive_patient(grace)
    offered.refresh_from_db()
    assert offered.status == "gone"
    [message] = Notification.objects.filter(waitlist_offer=offered)
    assert message.status == "cancelled"  # never sent: she could not take it
    [next_offer] = WaitlistOffer.objects.exclude(pk=offered.pk)
    assert (next_offer.entry.patient, next_offer.status) == (henry, "offered")
    answer = Client().post(offer_path(offered), follow=True)
    assert "this slot has gone" in answer.content.decode()
    assert not Appointment.objects.filter(patient=grace).exists()


@pytest.mark.django_db
def test_an_offer_for_a_slot_that_has_begun_books_nothing(join, freed, make_patient, clinic, begin):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    join(grace)
    freed()
    offer = WaitlistOffer.objects.get()
    begin(offer.freed_id)
    answer = Client().post(offer_path(offer), follow=True)
    assert "this slot has gone" in answer.content.decode()
    assert not Appointment.objects.filter(patient=grace).exists()


@pytest.mark.django_db
def test_an_offer_of_a_therapist_who_has_since_left_books_nothing(
    join, freed, make_patient, clinic, therapist
):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    join(grace)
    freed()
    offer = WaitlistOffer.objects.get()
    therapist.is_active = False
    therapist.save()
    answer = Client().post(offer_path(offer), follow=True)
    assert "this slot has gone" in answer.content.decode()
    assert not Appointment.objects.filter(patient=grace).exists()


@pytest.mark.django_db
def test_a_no_show_offers_nothing(join, book, monday_10, begin, make_patient, clinic):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    join(grace)
    booked = book(monday_10).json()
    begin(booked["id"])
    mark_no_show(Appointment.objects.get(pk=booked["id"]))
    assert not WaitlistOffer.objects.exists()


@pytest.fixture
def rebooked(admin_api, therapist, make_patient, clinic):
    """The clinic books the freed time for someone else before the waitlist takes it."""

    def rebook(freed: dict):
        walk_in = make_patient(clinic, given_name="Walk", family_name="In", phone="+447911000555")
        answer = admin_api.post(
            "/api/v1/appointments/",
            {
                "patient": str(walk_in.id),
                "therapist": str(therapist.id),
                "starts_at": freed["starts_at"],
                "ends_at": freed["ends_at"],
            },
            format="json",
        )
        assert answer.status_code == 201, answer.json()

    return rebook


@pytest.mark.django_db
def test_a_slot_the_clinic_booked_meanwhile_closes_the_offer_and_the_patient_waits_again(
    join, freed, rebooked, make_patient, clinic, admin_api
):
    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    join(grace)
    rebooked(freed())
    offer = WaitlistOffer.objects.get()
    answer = Client().post(offer_path(offer), follow=True)
    assert "this slot has gone" in answer.content.decode()
    offer.refresh_from_db()
    assert offer.status == "gone"
    [entry] = admin_api.get(URL).json()["results"]
    assert entry["status"] == "waiting"  # free for the next slot, not held until the lapse
    assert "this slot has gone" in Client().get(offer_path(offer)).content.decode()


@pytest.mark.django_db
def test_a_lapsed_offer_does_not_pass_on_a_slot_the_clinic_booked_meanwhile(
    join, freed, rebooked, make_patient, clinic
):
    ann, bea = (
        make_patient(clinic, given_name=name, phone=f"+44791100044{n}")
        for n, name in enumerate(["Ann", "Bea"])
    )
    join(ann)
    join(bea)
    rebooked(freed())
    first = WaitlistOffer.objects.get()
    assert waitlist.pass_on_lapsed(first.expires_at + timedelta(seconds=1)) == 1
    assert list(WaitlistOffer.objects.all()) == [first]  # Bea is offered nothing taken
    assert not Notification.objects.filter(patient=bea).exists()


@pytest.mark.django_db
def test_the_offer_tells_the_slot_on_the_patients_own_clock(join, freed, make_patient, clinic):
    # Tokyo is nine hours ahead of the server's UTC all year.
    kenji = make_patient(clinic, given_name="Kenji", phone="+447911000555", timezone="Asia/Tokyo")
    join(kenji)
    slot = freed()
    [offer] = WaitlistOffer.objects.filter(entry__patient=kenji)
    page = Client().get(offer_path(offer)).content.decode()
    starts_at = datetime.fromisoformat(slot["starts_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (
        f"a place is free on {starts_at:%A} {starts_at.day} {starts_at:%B} at {starts_at:%H:%M}"
        in page
    )
