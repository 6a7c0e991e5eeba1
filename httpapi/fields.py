"""Serializer fields every API shares."""

from datetime import UTC, datetime

from rest_framework import serializers


class MomentField(serializers.DateTimeField):
    """A moment the clinic can plan with: from 1900 to 2999. Planning horizons, reminders and
    wall clocks in far time zones ran off the end of Python's calendar near the year 9999
    (a server error, not an answer), and no clinic books centuries ahead."""

    earliest = datetime(1900, 1, 1, tzinfo=UTC)
    latest = datetime(3000, 1, 1, tzinfo=UTC)
    default_error_messages = {"out_of_range": "Must be a moment from 1900 to 2999."}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.earliest <= moment < self.latest:
            self.fail("out_of_range")
        return moment


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
