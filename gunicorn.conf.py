"""gunicorn's settings, read from the working directory wherever gunicorn runs the service.

Its access log gets the same filter as Django's logs: no patient-page token, no search term
(config/access_log.py).
"""

import logging


def on_starting(server):
    from config.access_log import RedactSecrets  # imported once gunicorn has the project's path

    logging.getLogger("gunicorn.access").addFilter(RedactSecrets())
