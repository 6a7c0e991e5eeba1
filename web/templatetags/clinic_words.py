"""Codes of the clinical vocabulary in the clinic's words, for the pages."""

from django import template
from django.utils.functional import Promise

from aftercare.models import Kind, Status
from screening.vocabulary import (
    ExclusionSide,
    Manipulation,
    Outcome,
    Precaution,
    Region,
    SiteSide,
    Technique,
    muscle_by_code,
)
from sessions.models import Depth, Severity, SideEffectKind, Waveform

register = template.Library()

_LABELS: dict[str, str | Promise] = {}  # a choice's label stays lazy, to be translated
for _choices in (  # where two lists share a code, the later label wins
    Depth,
    Region,
    Technique,
    Manipulation,
    SiteSide,
    ExclusionSide,
    Precaution,
    Outcome,
    Severity,
    SideEffectKind,
    Waveform,
    Kind,
    Status,
):
    _LABELS |= dict(_choices.choices)
_LABELS |= {muscle.code: muscle.name for muscle in muscle_by_code.values()}


@register.filter
def words(code: str) -> str:
    """The label of a vocabulary code; an unknown code is shown readably as it is."""
    return str(_LABELS.get(code, str(code).replace("_", " ")))


@register.filter
def region_side(ref: dict[str, str]) -> str:
    return f"{words(ref['region'])} ({words(ref['side']).lower()})"
