"""Due SMS rows written straight into the outbox, for delivery tests and benchmarks."""

from datetime import timedelta

from aftercare.models import Notification


def due_sms(clinic, patient, send_times, label: str) -> list[Notification]:
    """One aftercare SMS to the patient per send time, each due at that time."""
    return Notification.objects.bulk_create(
        (
            Notification(
                clinic=clinic,
                patient=patient,
                kind="aftercare_immediate",
                channel="sms",
                dedupe_key=f"{label}:{n}",
                send_at=send_at,
                due_at=send_at,
                expires_at=send_at + timedelta(hours=6),
            )
            for n, send_at in enumerate(send_times)
        ),
        batch_size=2000,
    )
