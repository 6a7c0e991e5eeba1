"""What happened in the clinic, announced for whoever listens (aftercare does).

Signals are sent inside the transaction of the write that caused them, so a listener's own
writes (aftercare's outbox rows) commit or roll back together with it. Lower apps never import
their listeners.
"""

from django.dispatch import Signal

# kwargs: session (NeedlingSession); new (bool), true when the session was logged ended in
# this transaction, its patient locked open for care. Sent when ended_at is first set or
# changes, or when heat_advised changes on a session that has ended: the aftercare plan
# follows the record.
session_completed = Signal()
# kwargs: session (NeedlingSession), a draft whose start, end or course a correction has just
# changed (saved); started_before (datetime) and course_before (UUID | None), as they were.
# What was recorded at the session (outcome ratings) follows it, or refuses the change.
session_corrected = Signal()
# kwargs: session (NeedlingSession), about to be deleted (a draft).
session_deleted = Signal()
# kwargs: side_effect (SideEffect).
side_effect_reported = Signal()
# kwargs: appointment (Appointment).
appointment_booked = Signal()
# kwargs: appointment (Appointment), with its new times already saved; previous_starts_at
# (datetime), when it was booked for before.
appointment_rescheduled = Signal()
# kwargs: appointment (Appointment), now cancelled or marked no-show.
appointment_cancelled = Signal()
# kwargs: appointment (Appointment), now completed: a session was logged against it.
appointment_completed = Signal()
# kwargs: appointment (Appointment), booked again: the session logged in it, a draft, was
# deleted; after_session (UUID), that session's id.
appointment_reopened = Signal()
# kwargs: session (NeedlingSession), whose ended_at was cleared: it is no longer over.
session_reopened = Signal()
# kwargs: course (TreatmentCourse), now cancelled, its upcoming appointments with it.
course_cancelled = Signal()
