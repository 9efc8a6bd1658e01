"""Moderation: jobs and questions can be removed by moderators with a reason. The question's
old `hidden` flag (set in admin without a reason) becomes hidden_at/hidden_reason."""

from django.conf import settings
from django.db import migrations, models


def flag_to_reason(apps, schema_editor):
    Question = apps.get_model("jobs", "Question")
    for question in Question.objects.filter(hidden=True).only("pk", "updated_at"):
        Question.objects.filter(pk=question.pk).update(hidden_at=question.updated_at, hidden_reason="Hidden by staff.")


def reason_to_flag(apps, schema_editor):
    apps.get_model("jobs", "Question").objects.filter(hidden_at__isnull=False).update(hidden=True)


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0003_board_covering_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='job',
            name='hidden_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='job',
            name='hidden_reason',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='question',
            name='hidden_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='question',
            name='hidden_reason',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.RunPython(flag_to_reason, reason_to_flag),
        migrations.RemoveField(
            model_name='question',
            name='hidden',
        ),
        # The board's covering index leaves removed jobs out, as the board does.
        migrations.RemoveIndex(
            model_name='job',
            name='job_open_geo_cover_idx',
        ),
        migrations.AddIndex(
            model_name='job',
            index=models.Index(condition=models.Q(('hidden_at__isnull', True), ('status', 'open')), fields=['latitude', 'longitude'], include=('id', 'published_at', 'created_at', 'category', 'budget_min_cents', 'budget_max_cents'), name='job_open_geo_cover_idx'),
        ),
        migrations.AddConstraint(
            model_name='job',
            constraint=models.CheckConstraint(condition=models.Q(('hidden_at__isnull', True), models.Q(('hidden_reason', ''), _negated=True), _connector='OR'), name='job_hidden_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='question',
            constraint=models.CheckConstraint(condition=models.Q(('hidden_at__isnull', True), models.Q(('hidden_reason', ''), _negated=True), _connector='OR'), name='question_hidden_has_reason'),
        ),
    ]
