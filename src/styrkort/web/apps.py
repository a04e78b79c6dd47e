from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "styrkort.web"
    label = "styrkort"
    verbose_name = "Styrkort"
    default_auto_field = "django.db.models.BigAutoField"
