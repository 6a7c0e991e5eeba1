"""Reads of aftercare for the API and the staff app (its inbox of patients' SMS)."""

from uuid import UUID

from django.db.models import QuerySet

from aftercare.models import InboundSms, ReplyAction


def inbound_sms() -> QuerySet[InboundSms]:
    """Every SMS received, whatever was done with it, newest first (scope it to a clinic
    before showing it)."""
    return InboundSms.objects.order_by("-received_at", "-id")


def inbox(clinic_id: UUID, *, kept_only: bool = True) -> QuerySet[InboundSms]:
    """What staff should read: the messages no rule acted on (or all of them), newest first,
    with their patients."""
    messages = inbound_sms().filter(clinic_id=clinic_id).select_related("patient")
    return messages.filter(action=ReplyAction.KEPT) if kept_only else messages
