from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from clinic.receivers import log_failed_login

        user_login_failed.connect(log_failed_login, dispatch_uid="clinic.log_failed_login")
