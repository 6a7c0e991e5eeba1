from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcome measures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from outcomes import receivers  # noqa: F401  (connects the event receivers)
