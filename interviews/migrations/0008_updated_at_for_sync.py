import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("interviews", "0007_co_scoring_and_loop_decision")]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="loop",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
