"""Outbox rows for delivery tests and benchmarks: due SMS written straight in, and every due
row sent as beat and a worker would send it."""

from datetime import timedelta

from aftercare import delivery
from aftercare.models import Notification


def due_sms(
    clinic, patient, send_times, label: str, kind: str = "aftercare_immediate"
) -> list[Notification]:
    """One SMS of `kind` (aftercare) to the patient per send time, each due at that time."""
    return Notification.objects.bulk_create(
        (
            Notification(
                clinic=clinic,
                patient=patient,
                kind=kind,
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


def run_due(now=None):
    """What beat and a worker would do: sweep, then send every queued row."""
    batches = []
    delivery.sweep(lambda notification_ids, eta: batches.append(notification_ids), now=now)
    return [status for batch in batches for status in delivery.send(batch).values()]
