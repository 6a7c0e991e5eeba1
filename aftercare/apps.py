from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "aftercare"
    verbose_name = "Aftercare messages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from aftercare import checks, receivers  # noqa: F401  (registers the deploy checks,
        # connects the event receivers)
