"""Celery tasks of the HTTP plumbing."""

from celery import shared_task
from django.utils import timezone

from httpapi import idempotency


@shared_task(ignore_result=True)
def forget_old_idempotency_records() -> int:
    return idempotency.forget_old_records(timezone.now())
