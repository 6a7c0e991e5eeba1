"""The parts of a signed session change no more than the session itself: PostgreSQL refuses.

- sites and electrical stimulation: no INSERT, UPDATE or DELETE once their session is signed;
- addenda: appended to signed sessions (INSERT), never updated or deleted there;
- side effects: still reported against a signed session (INSERT) and followed up (UPDATE of
  their other fields), but not moved to or from a signed session, nor deleted from one.

One check serves them all, and looks at the row's session before and after the change: 0004's
check of sites saw only the new one, so a site could be moved off a signed session.
"""

from django.db import migrations

PART_GUARD = """
CREATE FUNCTION needling_refuse_signed_part_change() RETURNS trigger AS $$
BEGIN
    -- OLD is null on INSERT, NEW on DELETE.
    IF EXISTS (SELECT 1 FROM needling_needlingsession
               WHERE id IN (OLD.session_id, NEW.session_id) AND status = 'signed') THEN
        RAISE EXCEPTION '% of a signed needling session cannot change', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$ LANGUAGE plpgsql;

DROP TRIGGER needling_signed_site_guard ON needling_needlesite;
CREATE TRIGGER needling_signed_site_guard BEFORE INSERT OR UPDATE OR DELETE ON needling_needlesite
    FOR EACH ROW EXECUTE FUNCTION needling_refuse_signed_part_change();
CREATE TRIGGER needling_signed_stimulation_guard
    BEFORE INSERT OR UPDATE OR DELETE ON needling_electricalstimulation
    FOR EACH ROW EXECUTE FUNCTION needling_refuse_signed_part_change();
CREATE TRIGGER needling_signed_addendum_guard BEFORE UPDATE OR DELETE ON needling_addendum
    FOR EACH ROW EXECUTE FUNCTION needling_refuse_signed_part_change();
CREATE TRIGGER needling_signed_side_effect_move_guard
    BEFORE UPDATE OF session_id ON needling_sideeffect
    FOR EACH ROW WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id)
    EXECUTE FUNCTION needling_refuse_signed_part_change();
CREATE TRIGGER needling_signed_side_effect_delete_guard BEFORE DELETE ON needling_sideeffect
    FOR EACH ROW EXECUTE FUNCTION needling_refuse_signed_part_change();
"""

# 0004's function for sites stays defined (its own reverse drops it), for this reverse to use.
DROP_PART_GUARD = """
DROP TRIGGER needling_signed_side_effect_delete_guard ON needling_sideeffect;
DROP TRIGGER needling_signed_side_effect_move_guard ON needling_sideeffect;
DROP TRIGGER needling_signed_addendum_guard ON needling_addendum;
DROP TRIGGER needling_signed_stimulation_guard ON needling_electricalstimulation;
DROP TRIGGER needling_signed_site_guard ON needling_needlesite;
CREATE TRIGGER needling_signed_site_guard BEFORE INSERT OR UPDATE OR DELETE ON needling_needlesite
    FOR EACH ROW EXECUTE FUNCTION needling_refuse_signed_site_change();
DROP FUNCTION needling_refuse_signed_part_change();
"""


def add_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PART_GUARD, params=None)


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_PART_GUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [('needling', '0006_session_needle_record')]
    operations = [migrations.RunPython(add_guards, drop_guards)]
