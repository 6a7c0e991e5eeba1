"""Celery tasks of the outbox. Both are safe to run twice: the database decides."""

from celery import shared_task

from aftercare import delivery


@shared_task(ignore_result=True)
def sweep() -> int:
    return delivery.sweep(
        lambda notification_id, eta: send_notification.apply_async((notification_id,), eta=eta)
    )


@shared_task(ignore_result=True)
def send_notification(notification_id: str) -> str:
    return delivery.send(notification_id)
