"""The mailer Django sends email with (settings.MAILERS), given the backend chosen by
EMAIL_BACKEND: each of Django's backends receives the options it needs, and django-anymail's
read theirs from the ANYMAIL setting. Pure, so every backend the settings accept is tested."""

DJANGO_BACKENDS = "django.core.mail.backends."
CONSOLE = f"{DJANGO_BACKENDS}console.EmailBackend"
SMTP = f"{DJANGO_BACKENDS}smtp.EmailBackend"
FILE = f"{DJANGO_BACKENDS}filebased.EmailBackend"


def mailers(backend: str, *, smtp: dict, file_path: str) -> dict:
    """MAILERS for `backend`: SMTP gets `smtp` (host, port, ...), the file backend the
    directory it writes to; the console, locmem and anymail backends take no options here."""
    options = {SMTP: smtp, FILE: {"file_path": file_path}}.get(backend, {})
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


def anymail_settings(environ: dict[str, str]) -> dict[str, str]:
    """django-anymail's ANYMAIL setting from ANYMAIL_<ESP>_<NAME> variables, e.g.
    ANYMAIL_MAILGUN_API_KEY becomes ANYMAIL["MAILGUN_API_KEY"]."""
    prefix = "ANYMAIL_"
    return {
        name.removeprefix(prefix): value
        for name, value in environ.items()
        if name.startswith(prefix)
    }
