"""Which models hold patient data, under the names the audit trail gives them.

Migration 0002 installs a write trigger on each table named here; a test keeps the two equal.
"""

# Rows that name their clinic and patient themselves.
RECORDS = {
    "clinic.Patient": "patient",
    "screening.Screening": "screening",
    "needling.NeedlingSession": "session",
    "needling.SideEffect": "side_effect",
    "needling.TreatmentCourse": "course",
    "needling.Appointment": "appointment",
    "aftercare.Notification": "notification",
    "clinic.ClinicalHold": "clinical_hold",  # trigger: clinic/migrations/0005
    "outcomes.OutcomeMeasure": "outcome_measure",
    "aftercare.InboundSms": "inbound_sms",  # trigger: aftercare/migrations/0007
    "aftercare.WaitlistEntry": "waitlist_entry",
}

# Rows of a session, which reach their clinic and patient through it.
SESSION_PARTS = {
    "needling.NeedleSite": "needle_site",
    "needling.ElectricalStimulation": "electrical_stimulation",
    "needling.Addendum": "addendum",
}


def patient_id_of(record):
    return record.pk if record._meta.label == "clinic.Patient" else record.patient_id
