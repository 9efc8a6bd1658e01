"""Submission and EvidenceFile move from payments to contracts (issue 10): state only.

The tables keep their names (payments_submission, payments_evidencefile, set by
Meta.db_table), so no row moves and no lock is taken; payments.0003 drops the models
from payments' state after this migration has added them here. The content types move
too, so staff permissions and admin history on these models keep pointing at them.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import contracts.models


MODELS = ("submission", "evidencefile")


def move_content_types(apps, schema_editor, source="payments", target="contracts"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="contracts", target="payments")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("contracts", "0001_initial"),
        ("payments", "0002_ledger_database_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Submission",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("notes", models.TextField(max_length=5000)),
                ("changes_requested_note", models.TextField(blank=True, max_length=2000)),
                ("changes_requested_at", models.DateTimeField(blank=True, null=True)),
                ("contractor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="submissions", to=settings.AUTH_USER_MODEL)),
                ("milestone", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                related_name="submissions", to="contracts.milestone")),
            ],
            options={
                "db_table": "payments_submission",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["milestone", "-created_at"], name="submission_milestone_idx")],
            },
        ),
        migrations.CreateModel(
            name="EvidenceFile",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("file", models.FileField(max_length=200, upload_to=contracts.models.evidence_path)),
                ("original_name", models.CharField(max_length=200)),
                ("kind", models.CharField(choices=[("image", "Photo"), ("pdf", "PDF")], max_length=10)),
                ("content_type", models.CharField(max_length=60)),
                ("size_bytes", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("submission", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="files",
                                                 to="contracts.submission")),
            ],
            options={
                "db_table": "payments_evidencefile",
                "ordering": ["created_at"],
                "indexes": [models.Index(fields=["submission", "created_at"], name="evidence_submission_idx")],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
