"""Log lines never hold a patient link's token, a calendar feed's secret or a search term.

The token in `/p/<token>/` opens a patient's aftercare page (and `/p/offer/<token>/` their
waitlist offer, which books it, `/p/email-stop/<token>/` the stop of their clinic's emails),
so a log line holding it is a key to that page; so is the
secret of `/api/v1/calendar/<secret>.ics` to a therapist's appointments, patients' names
included; a search term is usually a patient's name or phone number. Both are replaced by
`[redacted]` in every line that passes the filter: the development server's access log, the
"Not Found: /p/..." warnings, and gunicorn's access log (gunicorn.conf.py), whatever part of
the line they appear in (request line, path, query or Referer). Redacting keeps the contract's
URLs as they are, where moving the token into the URL's fragment would change them.

Plain Python, no Django: gunicorn loads it before the application.
"""

import logging
import re

REDACTED = "[redacted]"
# Path segments that are secrets: the signed tokens of the patient page, of a waitlist
# offer and of an email's stop link, and the secret of a calendar feed (whose events name patients).
SECRET_PATHS = (
    re.compile(r"(/p/(?:offer/|email-stop/)?)[^/?#\s\"']+"),
    re.compile(r"(/api/v1/calendar/)[^/?#\s\"'.]+"),  # up to `.ics`
)
# Query parameters whose values are search terms: the API's ?search=, the admin's ?q= and its
# autocomplete's ?term=, also URL-encoded inside another parameter (the admin's sign-in page's
# ?next=...%3Fq%3D...).
SECRET_PARAMETERS = re.compile(r"((?:[?&]|%3F|%26)(?:search|q|term)(?:=|%3D))[^&#\s\"']*", re.I)


def redact(line: str) -> str:
    for secret in SECRET_PATHS:
        line = secret.sub(rf"\g<1>{REDACTED}", line)
    return SECRET_PARAMETERS.sub(rf"\g<1>{REDACTED}", line)


class RedactSecrets(logging.Filter):
    """Rewrites each record's message, formatted, without its secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
