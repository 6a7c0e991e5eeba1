"""Showing a model's or service's `ValidationError` on a Django form: the staff app's pages and
the admin's forms put a refusal where the person will read it."""

from django import forms
from django.core.exceptions import ValidationError


def show_invalid(form: forms.Form, refusal: ValidationError) -> None:
    """Put a model's or service's `ValidationError` on the fields it names, if the form has
    them; the rest at the top of the form (Django's `add_error` refuses a name it lacks)."""
    by_field = refusal.message_dict if hasattr(refusal, "error_dict") else {None: refusal.messages}
    for field, messages in by_field.items():
        form.add_error(field if field in form.fields else None, messages)
