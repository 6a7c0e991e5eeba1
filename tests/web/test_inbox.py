"""The staff app's inbox of patients' SMS: what no rule acted on waits there for a person;
a confirmation shows on the day and in the week."""

from itertools import count

import pytest
from django.utils import timezone

from aftercare.inbound import receive
from audit.models import AuditEntry
from tests.bodies import CLINIC_CLOCK
from tests.moments import about_now, tomorrow_at
from tests.query_counts import queries
from web.week import monday_of

pytestmark = pytest.mark.django_db
SIDS = count()


def text(patient, body: str) -> None:
    receive(from_number=patient.phone, body=body, provider_id=f"SM{next(SIDS):032d}")


def inbox_page(client, **query) -> str:
    answer = client.get("/inbox/", query)
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_message_no_rule_acted_on_waits_for_staff(signed_in, patient, book):
    book(patient, tomorrow_at(10))
    text(patient, "C")
    text(patient, "Running 10 minutes late, sorry")
    page = inbox_page(signed_in)
    assert "Running 10 minutes late, sorry" in page and "Kept for staff to read" in page
    assert "Ada Lovelace" in page and "1 to read" in page
    assert ">C<" not in page  # the confirmation acted: nothing to read
    everything = inbox_page(signed_in, show="all")
    assert ">C<" in everything and "Confirmed the next appointment" in everything


def test_red_flag_words_wait_to_be_read_whoever_else_was_told(signed_in, patient):
    text(patient, "my chest hurts")
    page = inbox_page(signed_in)
    assert "my chest hurts" in page and "Red-flag words: serious alert" in page


def test_the_inbox_says_when_there_is_nothing_to_read(signed_in):
    assert "Nothing to read." in inbox_page(signed_in)


def test_another_clinics_patients_messages_never_show(signed_in, make_patient, other_clinic):
    elsewhere = make_patient(other_clinic, given_name="Grace", phone="+447911000222")
    text(elsewhere, "Grace's private question")
    assert "Grace" not in inbox_page(signed_in, show="all")


def test_the_messages_shown_are_recorded_as_read(signed_in, patient, therapist):
    text(patient, "Can I swim today?")
    inbox_page(signed_in)
    [read] = AuditEntry.objects.filter(action="read", object_type="inbound_sms")
    assert (read.patient_id, read.actor_id) == (patient.pk, str(therapist.pk))


def test_the_inbox_costs_the_same_queries_for_one_message_or_many(signed_in, patient):
    text(patient, "First")
    one = queries(signed_in, "/inbox/", {"show": "all"})
    for number in range(10):
        text(patient, f"Question {number}")
    assert queries(signed_in, "/inbox/", {"show": "all"}) == one


def test_an_appointment_the_patient_confirmed_says_so_today_and_in_the_week(
    signed_in, patient, book
):
    appointment = book(patient, about_now())
    day = timezone.localtime(appointment.starts_at, CLINIC_CLOCK).date()
    week = f"/calendar/?week={monday_of(day)}"
    badge = 'class="status confirmed"'
    assert badge not in signed_in.get("/").content.decode()
    assert badge not in signed_in.get(week).content.decode()
    text(patient, "C")
    assert "Confirmed by the patient" in signed_in.get("/").content.decode()
    assert badge in signed_in.get(week).content.decode()
