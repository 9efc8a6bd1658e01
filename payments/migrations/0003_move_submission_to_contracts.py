"""Submission and EvidenceFile now belong to contracts (contracts.0002): drop them from
payments' state only. The tables stay where they are, under their old names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_ledger_database_guards"),
        ("contracts", "0002_submission_evidencefile"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EvidenceFile"), migrations.DeleteModel(name="Submission")],
            database_operations=[],
        ),
    ]
