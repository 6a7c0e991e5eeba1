from django.urls import path

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

urlpatterns = [
    path("", today.today, name="today"),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/<uuid:patient_id>/", patients.patient_card, name="patient"),
    path(
        "patients/<uuid:patient_id>/screening/",
        screening_form.new_screening,
        name="new-screening",
    ),
    path(
        "patients/<uuid:patient_id>/screening/preview/",
        screening_form.preview_screening,
        name="screening-preview",
    ),
    path("patients/<uuid:patient_id>/session/", session_form.new_session, name="new-session"),
    path(
        "patients/<uuid:patient_id>/appointments/<uuid:appointment_id>/session/",
        session_form.new_session,
        name="appointment-session",
    ),
    path(
        "patients/<uuid:patient_id>/session/check/",
        session_form.check_session,
        name="session-check",
    ),
    path("sessions/<uuid:session_id>/", session_note.session_note, name="session"),
    path("sessions/<uuid:session_id>/edit/", session_form.edit_session, name="edit-session"),
    path("sessions/<uuid:session_id>/sign/", session_note.sign, name="sign"),
    path("sessions/<uuid:session_id>/addenda/", session_note.addendum, name="addendum"),
    path("sessions/<uuid:session_id>/side-effect/", session_note.side_effect, name="side-effect"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("calendar/book/", calendar.book, name="book"),
    path(
        "calendar/appointments/<uuid:appointment_id>/reschedule/",
        calendar.reschedule,
        name="reschedule",
    ),
    path("calendar/appointments/<uuid:appointment_id>/move/", calendar.move, name="move"),
    path("calendar/appointments/<uuid:appointment_id>/cancel/", calendar.cancel, name="cancel"),
    path("calendar/appointments/<uuid:appointment_id>/no-show/", calendar.no_show, name="no-show"),
    path("courses/new/", course_wizard.new_course, name="new-course"),
    path("reports/adverse-events/", reports.adverse_events, name="adverse-events"),
    # The clinic's administrators run the clinic from here.
    path("clinic/", clinic_admin.clinic_settings, name="clinic"),
    path("clinic/rooms/", clinic_admin.rooms, name="rooms"),
    path("clinic/staff/", staff_admin.staff_list, name="staff"),
    path("clinic/staff/new/", staff_admin.add_therapist, name="add-therapist"),
    path("clinic/staff/<uuid:staff_id>/hours/", staff_admin.staff_hours, name="staff-hours"),
    path("clinic/staff/<uuid:staff_id>/active/", staff_admin.set_active, name="staff-active"),
    path("clinic/messages/", message_admin.message_texts, name="message-texts"),
    path(
        "clinic/messages/<str:language>/<str:kind>/",
        message_admin.message_text,
        name="message-text",
    ),
    path(
        "clinic/messages/<str:language>/<str:kind>/preview/",
        message_admin.preview_text,
        name="message-preview",
    ),
    path("clinic/message-log/", message_admin.message_log, name="message-log"),
    path("clinic/holds/", holds.holds, name="holds"),
    path("clinic/holds/<uuid:hold_id>/release/", holds.release, name="release-hold"),
]
