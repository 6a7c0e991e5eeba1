"""Showing the services' domain errors next to the field they concern.

Services raise `RuleViolation`/`Conflict` with a contract code; this one table says which field
of a page each code belongs to. A code not listed is shown at the top of the form, so a rule
added to a service shows up here without new code.
"""

from collections.abc import Collection

from django import forms

from core.errors import RuleViolation

# A code may concern a differently named field on each page: the first the form has is used.
FIELD_OF_CODE: dict[str, tuple[str, ...]] = {
    "invalid_time": ("started_at", "performed_at"),
    "region_excluded": ("sites",),
    "technique_excluded": ("sites",),
    "precaution_not_acknowledged": ("precautions_acknowledged",),
    "needle_expired": ("needle_expiry",),
    "needle_count_mismatch": ("needles_removed",),
    "consent_required": ("consent_given",),
    "guardian_consent_required": ("guardian_consent",),
    "double_booked": ("starts_at",),
    "outside_working_hours": ("starts_at",),
    "invalid_template": ("body",),
}


def show_on(
    form: forms.Form, error: RuleViolation, sections: Collection[str] = ()
) -> dict[str, str]:
    """Put `error` on its field of `form`. A field that is a section of the page rather than
    of the form (the session's sites) is returned as {section: detail} for the page to show
    there; anything else goes at the top of the form."""
    fields = FIELD_OF_CODE.get(error.code, ())
    for field in fields:
        if field in sections:
            return {field: error.detail}
    on_form = next((field for field in fields if field in form.fields), None)
    form.add_error(on_form, forms.ValidationError(error.detail, code=error.code))
    return {}
