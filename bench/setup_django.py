"""Start Django for a benchmark, on a throwaway test database that is dropped afterwards."""

import contextlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def throwaway_database():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    # Its own database name, so a benchmark and a test run never share one.
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filiform_bench")
    import django
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(databases, verbosity=0)
