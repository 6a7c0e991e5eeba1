"""Figures for the page: a chart's configuration into a canvas's data attribute (autoescaped
like any attribute) and rates as percentages."""

import json

from django import template

register = template.Library()


@register.filter
def as_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


@register.filter
def percent(rate: float) -> str:
    return f"{100 * rate:.1f}%"
