import django_filters
from django.db.models import Q

from clinic.models import Patient
from httpapi.filters import StrictBooleanFilter


class PatientFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", max_length=100, help_text="Words found in name, phone or email"
    )
    # Lists show active patients unless this is given (see PatientViewSet.filter_queryset).
    archived = StrictBooleanFilter(
        field_name="archived_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="true: archived patients only; false or absent: active patients only",
    )

    class Meta:
        model = Patient
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        # Every word must match somewhere, so "Ada Love" finds Ada Lovelace.
        for word in value.split():
            queryset = queryset.filter(
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__contains=word)
            )
        return queryset
