from django.apps import AppConfig


class NeedlingSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions owns the label "sessions".
    label = "needling"
    verbose_name = "Treatment courses, appointments and needling sessions"
    default_auto_field = "django.db.models.BigAutoField"
