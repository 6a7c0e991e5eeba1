"""What a member of a clinic may see or choose: the one rule behind every scoped list, filter,
picker and admin page (a module of its own, so filter backends can use it while DRF loads)."""

from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Prefetch, QuerySet
from django.db.models.constants import LOOKUP_SEP


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


def with_scoped_prefetches(queryset: QuerySet, clinic_id: UUID | str | None) -> QuerySet:
    """`queryset` whose every prefetch, at every hop of its path, asks for the clinic's rows
    only, so each query a list runs names the clinic (docs/scaling.md: one node per clinic)."""
    hops: dict[str, Prefetch] = {}
    for lookup in queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        given = lookup if isinstance(lookup, Prefetch) else Prefetch(lookup)
        model = queryset.model
        names = given.prefetch_through.split(LOOKUP_SEP)
        for depth, name in enumerate(names, start=1):
            model = _related_model(model, name)
            path = LOOKUP_SEP.join(names[:depth])
            if path == given.prefetch_through:  # the hop the lookup asked for, as it asked
                rows = (
                    given.queryset if given.queryset is not None else model._default_manager.all()
                )
                hops[path] = Prefetch(path, scoped_to_clinic(rows, clinic_id), given.to_attr)
            elif path not in hops:  # a hop on the way
                hops[path] = Prefetch(
                    path, scoped_to_clinic(model._default_manager.all(), clinic_id)
                )
    return queryset.prefetch_related(None).prefetch_related(*hops.values())


def _related_model(model: type[Model], accessor: str) -> type[Model]:
    """The model a prefetch hop reaches: a field, or a reverse relation by its accessor (which
    is `foo_set` when the relation has no related_name, not the field's name)."""
    for relation in model._meta.related_objects:
        if relation.get_accessor_name() == accessor:
            return relation.related_model
    return model._meta.get_field(accessor).related_model  # type: ignore[return-value]
