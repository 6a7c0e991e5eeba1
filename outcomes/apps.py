from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcome measures"
    default_auto_field = "django.db.models.BigAutoField"
