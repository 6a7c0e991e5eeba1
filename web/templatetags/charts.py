"""A chart's configuration into a canvas's data attribute (autoescaped like any attribute)."""

import json

from django import template

register = template.Library()


@register.filter
def as_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
