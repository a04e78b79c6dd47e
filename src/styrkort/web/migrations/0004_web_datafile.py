# ruff: noqa: RUF012  (Django's Migration classes take lists by design)
# The data files of computed indicators, stored with their period (issue 15, parity).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("styrkort", "0004_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=300, verbose_name="sökväg i arbetsytan")),
                ("content", models.BinaryField(verbose_name="innehåll")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("size", models.PositiveBigIntegerField(verbose_name="storlek (byte)")),
                ("uploaded", models.DateTimeField(auto_now_add=True, verbose_name="uppladdad")),
                (
                    "uploaded_by",
                    models.CharField(blank=True, max_length=150, verbose_name="uppladdad av"),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="data_files",
                        to="styrkort.period",
                    ),
                ),
            ],
            options={
                "verbose_name": "datafil",
                "verbose_name_plural": "datafiler",
                "ordering": ("path",),
                "constraints": [
                    models.UniqueConstraint(fields=("period", "path"), name="datafile_unique_path")
                ],
            },
        ),
    ]
