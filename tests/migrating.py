"""Migrating the test database back to a state before a data migration, and forward again
(plain helpers for the tests of data migrations)."""

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_back(target: tuple[str, str]) -> Apps:
    """Unapply what came after `target` (app label, migration name); its models as they were."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def migrate_to_latest(app: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes(app))
