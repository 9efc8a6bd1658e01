"""Reports on reviews moved to the moderation app's one report queue (moderation 0002 copied
the rows first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0001_initial'),
        ('moderation', '0002_review_reports'),
    ]

    operations = [
        migrations.DeleteModel(
            name='ReviewReport',
        ),
    ]
