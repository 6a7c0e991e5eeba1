"""Celery tasks of the outbox. Both are safe to run twice: the database decides."""

from datetime import datetime

from celery import shared_task

from aftercare import delivery, waitlist


@shared_task(ignore_result=True)
def sweep() -> int:
    queued = delivery.sweep(_enqueue)
    # The same few seconds' beat keeps the offers' time limit; after delivery, which nothing
    # of the waitlist's may hold up.
    waitlist.pass_on_lapsed()
    return queued


@shared_task(ignore_result=True)
def send_notifications(notification_ids: list[str]) -> dict[str, str]:
    return delivery.send(notification_ids)


def _enqueue(notification_ids: list[str], eta: datetime | None) -> None:
    """Send the batch at once, or at `eta` (Celery's stubs take no None for it)."""
    if eta is None:
        send_notifications.apply_async((notification_ids,))
    else:
        send_notifications.apply_async((notification_ids,), eta=eta)
