"""PostgreSQL records every write of patient data in the audit trail, and keeps the trail
append-only. Triggers see what the ORM's bulk updates and deletes do, too.

The writer comes from the setting `filiform.audit` (audit.trail.attribute_writes, which sets
it for the writing transaction);
without one (the aftercare worker, management commands) the writer is `system`.
"""

from django.db import migrations

# label -> (object type, where the row's clinic and patient are found)
TRACKED = {
    "clinic.Patient": ("patient", "self"),
    "screening.Screening": ("screening", "row"),
    "needling.NeedlingSession": ("session", "row"),
    "needling.SideEffect": ("side_effect", "row"),
    "needling.TreatmentCourse": ("course", "row"),
    "needling.Appointment": ("appointment", "row"),
    "aftercare.Notification": ("notification", "row"),
    "needling.NeedleSite": ("needle_site", "session"),
    "needling.ElectricalStimulation": ("electrical_stimulation", "session"),
    "needling.Addendum": ("addendum", "session"),
}
# The worker moves a notification's queue lease every few seconds; only what happens to the
# message itself (its status, its time) is patient history.
WRITES = {"aftercare.Notification": "INSERT OR DELETE OR UPDATE OF status, send_at"}

RECORD_WRITE = """
CREATE FUNCTION audit_record_write() RETURNS trigger AS $$
DECLARE
    written jsonb := to_jsonb(COALESCE(NEW, OLD));
    origin jsonb := COALESCE(NULLIF(current_setting('filiform.audit', true), ''), '{}')::jsonb;
    clinic text := written->>'clinic_id';
    patient text := written->>'patient_id';
BEGIN
    IF TG_ARGV[1] = 'self' THEN
        patient := written->>'id';
    ELSIF TG_ARGV[1] = 'session' THEN
        SELECT s.clinic_id::text, s.patient_id::text INTO clinic, patient
            FROM needling_needlingsession s WHERE s.id = (written->>'session_id')::uuid;
    END IF;
    INSERT INTO audit_auditentry (at, clinic_id, actor_type, actor_id, action, object_type,
                                  object_id, patient_id, request_id, client_address)
    VALUES (now(), clinic::uuid, COALESCE(origin->>'actor_type', 'system'),
            COALESCE(origin->>'actor_id', ''),
            CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
            TG_ARGV[0], written->>'id', patient::uuid, COALESCE(origin->>'request_id', ''),
            (origin->>'client_address')::inet);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""


def _tables(apps):
    for label, (object_type, found_by) in TRACKED.items():
        table = apps.get_model(label)._meta.db_table
        yield table, WRITES.get(label, "INSERT OR UPDATE OR DELETE"), object_type, found_by


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(RECORD_WRITE, params=None)
    for table, events, object_type, found_by in _tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER audit_write AFTER {events} ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION audit_record_write('{object_type}', '{found_by}')",
            params=None,
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, *_ in _tables(apps):
        schema_editor.execute(f"DROP TRIGGER audit_write ON {table}", params=None)
    schema_editor.execute(
        "DROP TRIGGER audit_append_only ON audit_auditentry; "
        "DROP FUNCTION audit_refuse_change(); DROP FUNCTION audit_record_write();",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("clinic", "0001_initial"),
        ("screening", "0002_seed_muscles"),
        ("needling", "0004_signed_sessions_never_change"),
        ("aftercare", "0001_initial"),
    ]
    operations = [migrations.RunPython(add_triggers, drop_triggers)]
