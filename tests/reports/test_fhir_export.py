"""A patient's record as a FHIR R4 Bundle: valid by the R4B models of fhir.resources, every
reference resolving inside the bundle, ids that are the records' own."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from audit.models import AuditEntry
from tests import bodies


def references(value):
    """Every reference anywhere in a resource (a Reference's `reference` string)."""
    if isinstance(value, dict):
        for name, inner in value.items():
            if name == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def resources(bundle, resource_type):
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def fhir_of(api, patient) -> dict:
    answer = api.get(f"/api/v1/patients/{patient.id}/fhir/", HTTP_ACCEPT="application/fhir+json")
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("application/fhir+json")
    bundle = answer.json()
    Bundle.model_validate(bundle)  # raises on anything that is not valid FHIR
    return bundle


@pytest.fixture
def rich_patient(therapist_api, admin_api, patient, therapist, log_session):
    """Two courses (one booked ahead), three sessions (one with electrical stimulation, one
    signed with an addendum), side effects (one serious), NPRS and PSFS ratings."""

    def course(**fields):
        body = {"patient": str(patient.id), "therapist": str(therapist.id), **fields}
        answer = therapist_api.post("/api/v1/courses/", body, format="json")
        assert answer.status_code == 201, answer.json()
        return answer.json()

    neck = course(indication="Chronic neck pain", auto_schedule=False)
    calf = course(indication="Calf strain", planned_sessions=4)
    first = log_session(course=neck["id"])
    electrical = log_session(
        appointment=calf["appointments"][0]["id"],
        sites=[
            bodies.site(technique="electrical"),
            bodies.site(side="right", technique="electrical"),
        ],
        electrical=[bodies.stimulation()],
    )
    signed = log_session(course=neck["id"], pain_before=5, pain_after=2, needles_removed=6)
    assert therapist_api.post(f"/api/v1/sessions/{signed['id']}/sign/").status_code == 200
    therapist_api.post(
        f"/api/v1/sessions/{signed['id']}/addenda/", {"text": "Soreness gone"}, format="json"
    )
    for session, kind, severity in (
        (first, "bruising", "mild"),
        (electrical, "soreness_after", "moderate"),
        (signed, "dizziness", "severe"),
    ):
        answer = therapist_api.post(
            "/api/v1/side-effects/",
            {"session": session["id"], "kind": kind, "severity": severity},
            format="json",
        )
        assert answer.status_code == 201, answer.json()
    for body in (
        {"course": neck["id"], "instrument": "nprs", "score": 7, "session": first["id"]},
        {"course": neck["id"], "instrument": "nprs", "score": 4, "session": signed["id"]},
        {
            "course": neck["id"],
            "instrument": "psfs",
            "reported_by": "patient",
            "items": [{"activity": "Driving", "score": 3}, {"activity": "Reading", "score": 6}],
        },
    ):
        answer = therapist_api.post(
            "/api/v1/outcomes/", {"patient": str(patient.id), **body}, format="json"
        )
        assert answer.status_code == 201, answer.json()
    return {"courses": [neck, calf], "sessions": [first, electrical, signed]}


def test_the_bundle_is_valid_r4_and_every_reference_resolves(admin_api, patient, rich_patient):
    bundle = fhir_of(admin_api, patient)
    assert bundle["type"] == "collection"
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    unresolved = {
        reference for entry in bundle["entry"] for reference in references(entry["resource"])
    } - set(full_urls)
    assert unresolved == set()


def test_the_bundle_carries_the_whole_record(admin_api, patient, therapist, rich_patient):
    bundle = fhir_of(admin_api, patient)
    kinds = Counter(entry["resource"]["resourceType"] for entry in bundle["entry"])
    assert kinds["Patient"] == 1 and kinds["Organization"] == 1
    assert kinds["Consent"] == 1
    assert kinds["CarePlan"] == 2
    assert kinds["Appointment"] == 4
    assert kinds["Procedure"] == 3
    assert kinds["AdverseEvent"] == 3
    assert kinds["Observation"] == 3 * 2 + 3  # pain before and after each session, 3 ratings
    assert [p["id"] for p in resources(bundle, "Practitioner")] == [str(therapist.id)]

    (person,) = resources(bundle, "Patient")
    assert person["id"] == str(patient.id)
    assert person["name"] == [{"family": "Lovelace", "given": ["Ada"]}]


def test_a_session_is_a_procedure_with_a_body_site_per_needled_muscle(
    admin_api, patient, rich_patient
):
    bundle = fhir_of(admin_api, patient)
    first, electrical, signed = rich_patient["sessions"]
    procedures = {p["id"]: p for p in resources(bundle, "Procedure")}
    assert set(procedures) == {first["id"], electrical["id"], signed["id"]}
    sites = procedures[first["id"]]["bodySite"]
    assert [(s["coding"][0]["code"], s["extension"][0]["valueCode"]) for s in sites] == [
        ("gastrocnemius", "left"),
        ("gastrocnemius", "right"),
        ("soleus", "left"),
    ]
    assert procedures[first["id"]]["basedOn"] == [
        {"reference": f"urn:uuid:{rich_patient['courses'][0]['id']}"}
    ]
    notes = " ".join(note["text"] for note in procedures[electrical["id"]]["note"])
    assert "Electrical stimulation between sites 0 and 1: 2.0 Hz" in notes
    assert "Addendum" in " ".join(n["text"] for n in procedures[signed["id"]]["note"])


def test_pain_and_outcomes_are_observations_with_loinc_pain_scores(
    admin_api, patient, rich_patient
):
    bundle = fhir_of(admin_api, patient)
    observations = resources(bundle, "Observation")
    pain = [o for o in observations if o["code"].get("coding", [{}])[0].get("code") == "72514-3"]
    assert sorted(o["valueInteger"] for o in pain) == sorted([7, 4, 7, 4, 5, 2, 7, 4])
    (psfs,) = [o for o in observations if "Functional" in o["code"]["text"]]
    assert psfs["valueQuantity"]["value"] == 4.5
    assert [(c["code"]["text"], c["valueInteger"]) for c in psfs["component"]] == [
        ("Driving", 3),
        ("Reading", 6),
    ]
    assert psfs["performer"] == [{"reference": f"urn:uuid:{patient.id}"}]


def test_side_effects_are_adverse_events_of_their_session(admin_api, patient, rich_patient):
    bundle = fhir_of(admin_api, patient)
    events = {e["event"]["coding"][0]["code"]: e for e in resources(bundle, "AdverseEvent")}
    assert set(events) == {"bruising", "soreness_after", "dizziness"}
    dizziness = events["dizziness"]
    assert dizziness["seriousness"]["coding"][0]["code"] == "serious"
    assert dizziness["severity"]["coding"][0]["code"] == "severe"
    signed = rich_patient["sessions"][2]
    assert dizziness["suspectEntity"] == [{"instance": {"reference": f"urn:uuid:{signed['id']}"}}]
    assert events["bruising"]["seriousness"]["coding"][0]["code"] == "non-serious"


def test_a_course_is_a_care_plan_of_its_appointments_and_sessions(admin_api, patient, rich_patient):
    bundle = fhir_of(admin_api, patient)
    neck, calf = rich_patient["courses"]
    plans = {plan["id"]: plan for plan in resources(bundle, "CarePlan")}
    assert plans[calf["id"]]["status"] == "active"
    calf_activities = plans[calf["id"]]["activity"]
    assert [a["reference"]["reference"] for a in calf_activities] == [
        f"urn:uuid:{appointment['id']}" for appointment in calf["appointments"]
    ]
    electrical = rich_patient["sessions"][1]
    assert calf_activities[0]["outcomeReference"] == [{"reference": f"urn:uuid:{electrical['id']}"}]
    (neck_sessions,) = plans[neck["id"]]["activity"]
    assert len(neck_sessions["outcomeReference"]) == 2
    statuses = Counter(a["status"] for a in resources(bundle, "Appointment"))
    assert statuses == {"fulfilled": 1, "booked": 3}


def test_ids_are_the_records_own_and_the_same_on_every_export(admin_api, patient, rich_patient):
    first, again = fhir_of(admin_api, patient), fhir_of(admin_api, patient)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in again["entry"]]


def test_the_export_runs_the_same_queries_however_long_the_record(
    admin_api, patient, rich_patient, log_session
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            fhir_of(admin_api, patient)
        return len(captured)

    before = queries()
    note = {"note": "Bruise reviewed by phone; fit to continue."}  # the rich record holds them
    assert admin_api.post(f"/api/v1/patients/{patient.id}/release-hold/", note).status_code == 200
    log_session()
    assert queries() == before


def test_the_export_is_audited_and_another_clinics_patient_does_not_exist(
    admin_api, other_admin_api, patient, rich_patient, therapist_api
):
    assert other_admin_api.get(f"/api/v1/patients/{patient.id}/fhir/").status_code == 404
    assert therapist_api.get(f"/api/v1/patients/{patient.id}/fhir/").status_code == 200
    before = AuditEntry.objects.filter(action="read").count()
    fhir_of(admin_api, patient)
    read = Counter(
        AuditEntry.objects.filter(action="read")
        .order_by("id")[before:]
        .values_list("object_type", flat=True)
    )
    assert read == {
        "patient": 1,
        "screening": 1,
        "course": 2,
        "appointment": 4,
        "session": 3,
        "side_effect": 3,
        "outcome_measure": 3,
    }
