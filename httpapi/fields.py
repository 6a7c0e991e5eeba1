"""Serializer fields every API shares."""

from rest_framework import serializers

from core import moments


class MomentField(serializers.DateTimeField):
    """A moment the clinic works with (core.moments): from 1900 to 2999."""

    default_validators = [moments.validate_moment]


class WholeItem(serializers.Serializer):
    """An item of a list that replaces the record's own (a session's sites, a week's hours):
    given whole even in a PATCH, where DRF hands `partial` down to nested serializers and would
    let their required fields go missing (a site without its depth reached the rules)."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        missing = {
            name: [field.error_messages["required"]]
            for name, field in self.fields.items()
            if field.required and not field.read_only and field.source not in values
        }
        if missing:
            raise serializers.ValidationError(missing)
        return values
