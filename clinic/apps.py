from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import pre_save

        from clinic import receivers
        from clinic.models import Staff

        user_login_failed.connect(receivers.log_failed_login, dispatch_uid="clinic.log_failure")
        user_logged_in.connect(receivers.log_login, dispatch_uid="clinic.log_login")
        user_logged_out.connect(receivers.log_logout, dispatch_uid="clinic.log_logout")
        pre_save.connect(
            receivers.revoke_access_when_lost, sender=Staff, dispatch_uid="clinic.revoke_access"
        )
