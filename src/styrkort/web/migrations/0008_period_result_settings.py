# ruff: noqa: RUF012  (Django's Migration classes take lists by design)
"""Issue 14: the board's result on the period (core.finance.ResultSettings): the budget model
(gross or net), the net model's contribution and budgeted result, the balanskrav adjustment,
the results carried forward and the varav parts. Only new columns: nothing to convert."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("styrkort", "0007_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="period",
            name="balance_adjustment",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                max_digits=20,
                null=True,
                verbose_name="justering balanskrav",
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="balance_adjustment_text",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="vad justeringen avser"
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="budget_result",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                max_digits=20,
                null=True,
                verbose_name="budgeterat resultat",
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="contribution",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="kommunbidrag"
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="disposition",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="disposition"
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="finance_model",
            field=models.CharField(default="gross", max_length=10, verbose_name="budgetmodell"),
        ),
        migrations.AddField(
            model_name="period",
            name="opening_result",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                max_digits=20,
                null=True,
                verbose_name="ingående redovisat resultat",
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="result_parts",
            field=models.JSONField(blank=True, default=list, verbose_name="varav-rader"),
        ),
        migrations.AddField(
            model_name="period",
            name="stated_balance_result",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                max_digits=20,
                null=True,
                verbose_name="angivet balanskravsresultat",
            ),
        ),
        migrations.AddField(
            model_name="period",
            name="stated_closing_result",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                max_digits=20,
                null=True,
                verbose_name="angivet utgående redovisat resultat",
            ),
        ),
    ]
