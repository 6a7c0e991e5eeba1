"""The one-time token of a form that writes (web.submissions)."""

from django import template
from django.utils.html import format_html

from web.submissions import FIELD, new_token, sent_token

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_field(context: template.Context) -> str:
    """A hidden field with the token of this submission: the one the form was sent with when
    it is shown again (refused, or a step of a wizard), else a new one."""
    token = sent_token(context["request"]) or new_token()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
