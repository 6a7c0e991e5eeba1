"""Finding a patient, and the patient's card: details, consents, the screening in force,
courses and a timeline of everything recorded."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.models import Patient
from screening.models import ruling_screening
from sessions.models import NeedlingSession
from web.access import clinic_of, of_clinic, record_reads, staff_page
from web.charts import course_chart, pain_chart
from web.selectors import (
    closed_for_care,
    course_outcomes,
    courses_of,
    found_patients,
    open_hold,
    screening_flags,
    timeline_of,
)

MOST_FOUND = 50


@staff_page
def patient_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    patients = Patient.objects.filter(clinic_id=clinic_of(request).id)
    found = found_patients(patients, search, MOST_FOUND) if search else []
    record_reads(request, found)
    return render(request, "web/patients.html", {"search": search, "patients": found})


@staff_page
def patient_card(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = of_clinic(request, Patient.objects, pk=patient_id)
    now = timezone.now()
    screening = ruling_screening(patient.screenings.all(), now)
    timeline = timeline_of(patient)
    outcomes = course_outcomes(patient, courses_of(patient))
    measures = [measure for outcome in outcomes for measure in outcome.measures]
    records = [event.record for event in timeline]
    record_reads(request, [patient, *(o.course for o in outcomes), *records, *measures])
    sessions = [event.record for event in timeline if isinstance(event.record, NeedlingSession)]
    return render(
        request,
        "web/patient.html",
        {
            "patient": patient,
            "closed": closed_for_care(patient),
            "hold": open_hold(patient),
            "screening": screening,
            "screening_flags": screening_flags(screening, now, patient),
            "timeline": timeline,
            "pain_chart": pain_chart(sessions),
            "courses": [
                (outcome, course_chart(outcome.measures, outcome.changes)) for outcome in outcomes
            ],
        },
    )
