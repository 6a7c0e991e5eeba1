"""Outcomes listens to what happened to the sessions its ratings were taken at
(sessions.events)."""

from django.dispatch import receiver

from outcomes import services
from sessions import events


@receiver(events.session_corrected, dispatch_uid="outcomes.session_corrected")
def session_corrected(sender, session, started_before, course_before, **kwargs):
    services.follow_corrected_session(
        session, started_before=started_before, course_before=course_before
    )
