from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Step 1 of 3: fee refunds move to payments.Refund (kind "fee"); the dispute points at
    its row. Schema, data and removal are separate migrations (separate transactions on
    PostgreSQL, which refuses to alter a table with pending deferred checks)."""

    dependencies = [
        ("disputes", "0001_initial"),
        ("payments", "0004_chargebacks_outside_refunds_one_refund_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="fee_refund_row",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="payments.refund"),
        ),
    ]
