from django.apps import AppConfig


class HttpApiConfig(AppConfig):
    """The HTTP plumbing every app's API stands on (errors, scoping, pages, idempotency...)."""

    name = "httpapi"
    verbose_name = "HTTP API"
    default_auto_field = "django.db.models.BigAutoField"
