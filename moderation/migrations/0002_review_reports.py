"""Reports on reviews used to be reviews.ReviewReport (free text, handled or not). They join
the one report queue: open ones stay open, handled ones are closed as actioned (the only
outcome the old model knew was "handled")."""

from django.db import migrations


def copy_review_reports(apps, schema_editor):
    ReviewReport = apps.get_model("reviews", "ReviewReport")
    Report = apps.get_model("moderation", "Report")
    for old in ReviewReport.objects.select_related("review").order_by("created_at"):
        report = Report.objects.create(
            reporter_id=old.reporter_id, target_kind="review", target_id=old.review_id,
            target_owner_id=old.review.author_id, reason="other", details=old.reason[:2000],
            status="actioned" if old.handled_at else "open", handled_at=old.handled_at,
            resolution_note="Handled before the report queue existed." if old.handled_at else "")
        # Keep the original dates: the queue is ordered by age.
        Report.objects.filter(pk=report.pk).update(created_at=old.created_at, updated_at=old.updated_at)


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0001_initial"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_review_reports, migrations.RunPython.noop),
    ]
