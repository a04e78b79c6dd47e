# ruff: noqa: RUF012  (Django's Migration classes take lists by design)
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("styrkort", "0003_period_word_template")]

    operations = [
        migrations.AddField(
            model_name="period",
            name="history_columns",
            field=models.PositiveSmallIntegerField(
                default=2, verbose_name="tidigare år i måltabellerna"
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="history_trend",
            field=models.BooleanField(default=True, verbose_name="visa trend"),
        ),
        migrations.AddField(
            model_name="period",
            name="history_operating",
            field=models.JSONField(
                blank=True, default=list, verbose_name="driftens utfall tidigare år"
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="history_investments",
            field=models.JSONField(
                blank=True, default=list, verbose_name="investeringarnas utfall tidigare år"
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="kolada_values",
            field=models.JSONField(blank=True, default=list, verbose_name="Kolada-värden"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="history",
            field=models.JSONField(blank=True, default=list, verbose_name="utfall tidigare år"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="kolada",
            field=models.JSONField(blank=True, null=True, verbose_name="Kolada-nyckeltal"),
        ),
    ]
