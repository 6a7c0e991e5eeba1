"""Screening a patient: the checklist, a preview of the outcome by the same pure rules
(`screening.rules.assess`), and the save through `record_screening`."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from clinic.models import Patient
from core.errors import RuleViolation
from screening import rules
from screening.services import answers_from, record_screening
from web.access import member, of_clinic, record_reads, staff_page
from web.errors import show_on
from web.forms import ScreeningForm
from web.submissions import once_per_submission


@staff_page
@once_per_submission
def new_screening(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = of_clinic(request, Patient.objects, pk=patient_id)
    record_reads(request, [patient])
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_screening(
                patient=patient,
                performed_by=member(request),
                answers=form.answers(),
                **form.about_the_screening(),
            )
            return redirect("web:patient", patient_id=patient.pk)
        except RuleViolation as error:
            show_on(form, error)
        except ValidationError as refusal:  # the patient's record lacks what screening needs
            form.add_error(None, refusal.messages)
    return render(request, "web/screening_form.html", {"patient": patient, "form": form})


@staff_page
def preview_screening(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """What these answers would mean, before anything is saved."""
    of_clinic(request, Patient.objects, pk=patient_id)
    form = ScreeningForm(request.POST)
    assessment = None
    if form.is_valid():
        performed_at = form.cleaned_data["performed_at"] or timezone.now()
        assessment = rules.assess(answers_from(form.answers()), performed_at)
    return render(request, "web/_screening_preview.html", {"assessment": assessment})
