"""Celery tasks of the outbox. Both are safe to run twice: the database decides."""

from celery import shared_task

from aftercare import delivery, waitlist


@shared_task(ignore_result=True)
def sweep() -> int:
    waitlist.pass_on_lapsed()  # the same few seconds' beat serves the offers' time limit
    return delivery.sweep(
        lambda notification_ids, eta: send_notifications.apply_async((notification_ids,), eta=eta)
    )


@shared_task(ignore_result=True)
def send_notifications(notification_ids: list[str]) -> dict[str, str]:
    return delivery.send(notification_ids)
