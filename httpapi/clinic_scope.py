"""What a member of a clinic may see or choose: the one rule behind every scoped list, filter,
picker and admin page (a module of its own, so filter backends can use it while DRF loads)."""

from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet


def scoped_to_clinic(queryset: QuerySet, clinic_id: UUID | str | None) -> QuerySet:
    """The rows of `queryset` that a member of clinic `clinic_id` may see or choose.

    A table with a `clinic` (or `clinic_id`) column holds clinic data: only that clinic's rows.
    The clinics themselves (what staff belong to): only their own. Any other table is shared
    vocabulary (muscles), the same for every clinic. Nobody outside a clinic chooses anything.
    """
    if clinic_id is None:
        return queryset.none()
    model = queryset.model
    if model is get_user_model()._meta.get_field("clinic").related_model:
        return queryset.filter(pk=clinic_id)
    try:
        model._meta.get_field("clinic_id")
    except FieldDoesNotExist:
        return queryset
    return queryset.filter(clinic_id=clinic_id)
