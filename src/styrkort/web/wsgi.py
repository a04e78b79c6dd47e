"""WSGI entry point: ``gunicorn styrkort.web.wsgi`` (docs/deploy.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrkort.web.settings")
application = get_wsgi_application()
