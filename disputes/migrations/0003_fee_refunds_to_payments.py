"""Step 2 of 3: every disputes.FeeRefund becomes a payments.Refund of kind "fee" with the
same primary key, so its idempotency key at Stripe (fee-refund-<pk>[-retryN]) and its
ledger postings (fee-refund:<pk>:refunded / :paid) stay exactly what they were: the ledger
is not touched, a pending one is polled and retried on the one refund path, and a webhook
carrying its old metadata (fee_refund_id) still finds it."""

from django.db import migrations

FIELDS = ["milestone_id", "payment_id", "homeowner_id", "amount_cents", "currency", "status", "refund_id",
          "key_generation", "attempts", "last_error", "succeeded_at"]


def forwards(apps, schema_editor):
    FeeRefund = apps.get_model("disputes", "FeeRefund")
    Refund = apps.get_model("payments", "Refund")
    Dispute = apps.get_model("disputes", "Dispute")
    for row in FeeRefund.objects.order_by("created_at").iterator():
        Refund.objects.create(id=row.id, kind="fee", reason=f"Platform fee on the refunded part, dispute {row.dispute_id}",
                              **{field: getattr(row, field) for field in FIELDS})
        # auto_now_add/auto_now stamp the insert; keep the row's own history.
        Refund.objects.filter(pk=row.id).update(created_at=row.created_at, updated_at=row.updated_at)
        Dispute.objects.filter(pk=row.dispute_id).update(fee_refund_row_id=row.id)


def backwards(apps, schema_editor):
    FeeRefund = apps.get_model("disputes", "FeeRefund")
    Refund = apps.get_model("payments", "Refund")
    Dispute = apps.get_model("disputes", "Dispute")
    for dispute in Dispute.objects.exclude(fee_refund_row=None).iterator():
        row = Refund.objects.get(pk=dispute.fee_refund_row_id)
        FeeRefund.objects.create(id=row.id, dispute_id=dispute.pk, **{field: getattr(row, field) for field in FIELDS})
        FeeRefund.objects.filter(pk=row.id).update(created_at=row.created_at, updated_at=row.updated_at)
    Dispute.objects.update(fee_refund_row=None)
    Refund.objects.filter(kind="fee").delete()


class Migration(migrations.Migration):
    dependencies = [("disputes", "0002_dispute_fee_refund_row")]

    operations = [migrations.RunPython(forwards, backwards)]
