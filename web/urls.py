from django.urls import URLPattern, URLResolver, include, path

from web.views import (
    calendar,
    clinic_admin,
    course_wizard,
    holds,
    inbox,
    message_admin,
    patients,
    reports,
    screening_form,
    session_form,
    session_note,
    staff_admin,
    today,
)

app_name = "web"

a_patient = [
    path("", patients.patient_card, name="patient"),
    path("screening/", screening_form.new_screening, name="new-screening"),
    path("screening/preview/", screening_form.preview_screening, name="screening-preview"),
    path("session/", session_form.new_session, name="new-session"),
    path(
        "appointments/<uuid:appointment_id>/session/",
        session_form.new_session,
        name="appointment-session",
    ),
    path("session/check/", session_form.check_session, name="session-check"),
]
a_session = [
    path("", session_note.session_note, name="session"),
    path("edit/", session_form.edit_session, name="edit-session"),
    path("check/", session_form.check_draft, name="draft-check"),
    path("sign/", session_note.sign, name="sign"),
    path("addenda/", session_note.addendum, name="addendum"),
    path("side-effect/", session_note.side_effect, name="side-effect"),
]
an_appointment = [
    path("reschedule/", calendar.reschedule, name="reschedule"),
    path("move/", calendar.move, name="move"),
    path("cancel/", calendar.cancel, name="cancel"),
    path("no-show/", calendar.no_show, name="no-show"),
]
a_message_text = [
    path("", message_admin.message_text, name="message-text"),
    path("preview/", message_admin.preview_text, name="message-preview"),
]
# The clinic's administrators run the clinic from here.
the_clinic: list[URLPattern | URLResolver] = [
    path("", clinic_admin.clinic_settings, name="clinic"),
    path("rooms/", clinic_admin.rooms, name="rooms"),
    path("staff/", staff_admin.staff_list, name="staff"),
    path("staff/new/", staff_admin.add_therapist, name="add-therapist"),
    path("staff/<uuid:staff_id>/", staff_admin.staff_details, name="staff-details"),
    path("staff/<uuid:staff_id>/hours/", staff_admin.staff_hours, name="staff-hours"),
    path("staff/<uuid:staff_id>/active/", staff_admin.set_active, name="staff-active"),
    path("messages/", message_admin.message_texts, name="message-texts"),
    path("messages/<str:language>/<str:kind>/", include(a_message_text)),
    path("message-log/", message_admin.message_log, name="message-log"),
    path("holds/", holds.holds, name="holds"),
    path("holds/<uuid:hold_id>/release/", holds.release, name="release-hold"),
]

urlpatterns = [
    path("", today.today, name="today"),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/<uuid:patient_id>/", include(a_patient)),
    path("sessions/<uuid:session_id>/", include(a_session)),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/book/", calendar.book, name="book"),
    path("calendar/appointments/<uuid:appointment_id>/", include(an_appointment)),
    path("inbox/", inbox.inbox, name="inbox"),
    path("courses/new/", course_wizard.new_course, name="new-course"),
    path("reports/adverse-events/", reports.adverse_events, name="adverse-events"),
    path("clinic/", include(the_clinic)),
]
