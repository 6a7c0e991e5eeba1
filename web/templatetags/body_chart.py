"""The session form's body chart, drawn from the vocabulary and the screening in force."""

from django import template

from screening.models import Screening
from web.body_chart import body_chart as chart

register = template.Library()


@register.inclusion_tag("web/_body_chart.html")
def body_chart(screening: Screening | None) -> dict:
    return {"views": chart(screening.excluded_regions if screening else [])}
