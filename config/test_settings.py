"""Settings for the test suite: the real settings, pointed at the local PostgreSQL and Redis."""

import os

os.environ.setdefault("SECRET_KEY", "filiform-test-suite-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filiform")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])
# The abuse limits' counters, in a Redis database of their own that tests may empty.
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")

from config.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
# Hashing passwords slowly protects real ones; tests only need it correct.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
