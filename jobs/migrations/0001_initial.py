from django.db import migrations, models

TRADES = [
    ("plumbing", "Plumbing"), ("electrical", "Electrical"), ("roofing", "Roofing"), ("hvac", "HVAC"),
    ("carpentry", "Carpentry"), ("painting", "Painting"), ("flooring", "Flooring"),
    ("landscaping", "Landscaping"), ("masonry", "Masonry"), ("windows-doors", "Windows & doors"),
    ("general-contracting", "General contracting"), ("handyman", "Handyman"),
]


def seed_categories(apps, schema_editor):
    Category = apps.get_model("jobs", "Category")
    for position, (slug, name) in enumerate(TRADES):
        Category.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Category",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=60, unique=True)),
                ("name", models.CharField(max_length=80, unique=True)),
                ("position", models.PositiveSmallIntegerField(default=0)),
            ],
            options={"ordering": ["position", "name"], "verbose_name_plural": "categories"},
        ),
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
    ]
