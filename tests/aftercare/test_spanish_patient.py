"""A Spanish-speaking patient from the session's end to their page, through the real delivery
code: the first message carries the link, the page is in Spanish and shows the clinic's phone."""

import re

import pytest
from django.core import mail
from django.test import Client

from aftercare import delivery
from sessions.models import SideEffect

pytestmark = pytest.mark.django_db


def deliver_due() -> None:
    """What beat and a worker do: sweep, then send every queued batch."""
    delivery.sweep(lambda ids, eta: delivery.send(ids))


@pytest.fixture
def spanish(patient, clinic, admin_api):
    patient.language = "es"
    patient.save()
    answer = admin_api.patch("/api/v1/clinic/", {"phone": "+442079460000"}, format="json")
    assert answer.status_code == 200 and answer.json()["phone"] == "+442079460000"
    return patient


def test_a_clinic_phone_must_be_a_phone_number(admin_api, therapist_api):
    answer = admin_api.patch("/api/v1/clinic/", {"phone": "call us"}, format="json")
    assert answer.status_code == 400 and "phone" in answer.json()
    assert therapist_api.patch("/api/v1/clinic/", {"phone": "+442079460000"}).status_code == 403


def test_the_first_message_links_to_a_spanish_page_with_the_clinics_phone(
    spanish, log_session, sms_file
):
    log_session()
    deliver_due()
    [first] = sms_file()  # the immediate aftercare; the check-in waits a day
    assert first["body"].startswith("Northside Physio: después de la punción seca de hoy")
    path = re.search(r"/p/[^/\s]+/", first["body"]).group(0)
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    html = page.content.decode()
    assert '<html lang="es">' in html
    assert "Sus cuidados de Northside Physio" in html and "Qué hacer" in html
    assert "¿Falta de aire o dolor en el pecho?" in html
    assert 'href="tel:+442079460000"' in html
    assert ">Hematoma</option>" in html and "Avoid intense" not in html
    answer = client.post(
        path,
        {
            "form": "report",
            "kind": "bruising",
            "severity": "mild",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
    )
    assert "Gracias. Su aviso ha llegado a la clínica." in client.get(answer.url).content.decode()
    assert SideEffect.objects.get().reported_by == "patient"


def test_an_english_patient_keeps_the_english_page(log_session, sms_file):
    log_session()
    deliver_due()
    path = re.search(r"/p/[^/\s]+/", sms_file()[0]["body"]).group(0)
    html = Client().get(path).content.decode()
    assert '<html lang="en">' in html and "Your aftercare from Northside Physio" in html
    assert "Call the clinic" not in html  # the clinic has no phone on record


def test_a_spanish_email_has_an_html_part_with_the_clinics_name_and_the_same_words(
    spanish, log_session
):
    spanish.preferred_channel = "email"
    spanish.save()
    log_session()
    deliver_due()
    [message] = mail.outbox
    assert message.subject == "Cuidados después de su punción seca"
    assert message.body.startswith("Hola, Ada:\n\nNorthside Physio: después de la punción")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and '<html lang="es">' in html
    assert re.search(r"<h1[^>]*>Northside Physio</h1>", html)
    words = " ".join(message.body.split("\n\n", 1)[1].split())  # the stop line's too
    visible = " ".join(re.sub(r"<[^>]+>", "", html).split()).replace("&#x27;", "'")
    assert words in visible
