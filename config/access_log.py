"""Log lines never hold a patient-page token or a search term.

The token in `/p/<token>/` opens a patient's aftercare page, so a log line holding it is a key
to that page; a search term is usually a patient's name or phone number. Both are replaced by
`[redacted]` in every line that passes the filter: the development server's access log, the
"Not Found: /p/..." warnings, and gunicorn's access log (gunicorn.conf.py), whatever part of
the line they appear in (request line, path, query or Referer). Redacting keeps the contract's
URLs as they are, where moving the token into the URL's fragment would change them.

Plain Python, no Django: gunicorn loads it before the application.
"""

import logging
import re

REDACTED = "[redacted]"
# Path segments that are secrets: the patient page's signed token.
SECRET_PATHS = re.compile(r"(/p/)[^/?#\s\"']+")
# Query parameters whose values are search terms: the API's ?search=, the admin's ?q=, also
# URL-encoded inside another parameter (the admin's sign-in page's ?next=...%3Fq%3D...).
SECRET_PARAMETERS = re.compile(r"((?:[?&]|%3F|%26)(?:search|q)(?:=|%3D))[^&#\s\"']*", re.I)


def redact(line: str) -> str:
    line = SECRET_PATHS.sub(rf"\g<1>{REDACTED}", line)
    return SECRET_PARAMETERS.sub(rf"\g<1>{REDACTED}", line)


class RedactSecrets(logging.Filter):
    """Rewrites each record's message, formatted, without its secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
