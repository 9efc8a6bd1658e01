from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Step 3 of 3: the old table goes; the dispute's link takes the old accessor's name."""

    dependencies = [("disputes", "0003_fee_refunds_to_payments")]

    operations = [
        migrations.DeleteModel(name="FeeRefund"),
        migrations.RenameField(model_name="dispute", old_name="fee_refund_row", new_name="fee_refund"),
        migrations.AlterField(
            model_name="dispute",
            name="fee_refund",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="dispute_for_fee", to="payments.refund"),
        ),
    ]
