from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening and consent"
    default_auto_field = "django.db.models.BigAutoField"
