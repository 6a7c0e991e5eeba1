"""A signed session and its sites never change: PostgreSQL refuses it, behind the services.

Addenda live in their own table, so a signed session row has nothing left to update.
"""

from django.db import migrations

SESSION_GUARD = """
CREATE FUNCTION needling_refuse_signed_session_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'needling session % is signed and cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$ LANGUAGE plpgsql;
CREATE TRIGGER needling_signed_session_guard BEFORE UPDATE OR DELETE ON needling_needlingsession
    FOR EACH ROW EXECUTE FUNCTION needling_refuse_signed_session_change();

CREATE FUNCTION needling_refuse_signed_site_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM needling_needlingsession
               WHERE id = COALESCE(NEW.session_id, OLD.session_id) AND status = 'signed') THEN
        RAISE EXCEPTION 'sites of a signed needling session cannot change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$ LANGUAGE plpgsql;
CREATE TRIGGER needling_signed_site_guard BEFORE INSERT OR UPDATE OR DELETE ON needling_needlesite
    FOR EACH ROW EXECUTE FUNCTION needling_refuse_signed_site_change();
"""

DROP_GUARDS = """
DROP TRIGGER needling_signed_site_guard ON needling_needlesite;
DROP FUNCTION needling_refuse_signed_site_change();
DROP TRIGGER needling_signed_session_guard ON needling_needlingsession;
DROP FUNCTION needling_refuse_signed_session_change();
"""


def add_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SESSION_GUARD, params=None)


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GUARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("needling", "0003_records")]
    operations = [migrations.RunPython(add_guards, drop_guards)]
