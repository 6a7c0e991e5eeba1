"""A therapist's live appointments as an iCalendar feed (RFC 5545)."""

from collections.abc import Iterable

from icalendar import Calendar, Event

from sessions.models import Appointment


def appointments_calendar(therapist_name: str, appointments: Iterable[Appointment]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Filiform//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Filiform: {therapist_name}")
    for appointment in appointments:
        event = Event()
        event.add("uid", f"{appointment.id}@filiform")
        event.add("dtstamp", appointment.updated_at)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        event.add("summary", f"Dry needling: {appointment.patient.full_name}")
        if appointment.room is not None:
            event.add("location", appointment.room.name)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
