"""Start Django for a benchmark, on a throwaway test database that is dropped afterwards."""

import contextlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the project, and the helpers benchmarks share with the tests


@contextlib.contextmanager
def throwaway_database(name: str):
    """Set Django up on a new database `name` (on DATABASE_URL's server, else the local one).

    Each benchmark passes its own name, so benchmarks, tests and the app never share one; the
    process id keeps two runs of one benchmark on a shared server apart.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filiform_bench")
    import django
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    connection.settings_dict["TEST"]["NAME"] = f"{name}_{os.getpid()}"
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(databases, verbosity=0)
