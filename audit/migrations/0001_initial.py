import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ("clinic_id", models.UUIDField(null=True)),
                ("actor_type", models.CharField(choices=[("staff", "Staff"), ("patient_link", "Patient Link"), ("system", "System")], max_length=20)),
                ("actor_id", models.CharField(blank=True, max_length=64)),
                ("action", models.CharField(choices=[("read", "Read"), ("create", "Create"), ("update", "Update"), ("delete", "Delete")], max_length=10)),
                ("object_type", models.CharField(max_length=40)),
                ("object_id", models.CharField(max_length=64)),
                ("patient_id", models.UUIDField(null=True)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("client_address", models.GenericIPAddressField(null=True)),
            ],
            options={
                "verbose_name_plural": "audit entries",
                "indexes": [
                    models.Index(fields=["clinic_id", "-id"], name="audit_by_clinic"),
                    models.Index(fields=["clinic_id", "patient_id", "-id"], name="audit_by_patient"),
                    models.Index(fields=["clinic_id", "actor_id", "-id"], name="audit_by_actor"),
                ],
            },
        ),
    ]
