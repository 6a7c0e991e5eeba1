"""A service's refusal goes by its code to the field it concerns; a code no table names goes
to the top of the form, so rules added to the services show without new code."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.errors import Conflict, RuleViolation
from core.forms import show_invalid
from web.errors import show_on


class Visit(forms.Form):
    started_at = forms.DateTimeField(required=False)
    precautions_acknowledged = forms.CharField(required=False)


class Screening(forms.Form):
    performed_at = forms.DateTimeField(required=False)


@pytest.mark.parametrize(
    ("error", "where"),
    [
        (RuleViolation("invalid_time", "Too far back."), "started_at"),
        (RuleViolation("precaution_not_acknowledged", "Tick it."), "precautions_acknowledged"),
        (Conflict("clinical_hold", "On hold."), None),  # no field: the top of the form
        (RuleViolation("needle_expired", "Expired lot."), None),  # a field this form lacks
        (RuleViolation("a_rule_added_tomorrow", "New."), None),
    ],
)
def test_each_refusal_is_shown_where_it_belongs(error, where):
    form = Visit({})
    form.is_valid()
    assert show_on(form, error) == {}
    assert form.errors == {where or "__all__": [error.detail]}


def test_a_code_goes_to_the_field_of_its_name_on_each_page():
    form = Screening({})
    form.is_valid()
    show_on(form, RuleViolation("invalid_time", "Too far back."))
    assert form.errors == {"performed_at": ["Too far back."]}


def test_a_section_of_the_page_gets_its_refusal_to_show_there():
    form = Visit({})
    form.is_valid()
    error = RuleViolation("region_excluded", "Not the left shoulder.")
    assert show_on(form, error, sections=("sites",)) == {"sites": "Not the left shoulder."}
    assert form.errors == {}


class Person(forms.Form):
    password = forms.CharField(required=False)


@pytest.mark.parametrize(
    ("refusal", "errors"),
    [
        (ValidationError({"password": ["Too short."]}), {"password": ["Too short."]}),
        (ValidationError({"note": ["Say why."]}), {"__all__": ["Say why."]}),  # not on this form
        (ValidationError("No date of birth."), {"__all__": ["No date of birth."]}),
    ],
)
def test_a_validation_error_goes_to_the_fields_it_names(refusal, errors):
    form = Person({})
    form.is_valid()
    show_invalid(form, refusal)
    assert form.errors == errors
