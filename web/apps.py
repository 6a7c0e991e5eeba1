from django.apps import AppConfig


class WebConfig(AppConfig):
    """The staff app: server-rendered pages for therapists and administrators."""

    name = "web"
    verbose_name = "Staff app"
