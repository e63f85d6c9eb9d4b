import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A web request waits 5 s at most for a lock and runs 20 s at most, under gunicorn's 30 s timeout.
os.environ.setdefault("DATABASE_LOCK_TIMEOUT_SECONDS", "5")
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_SECONDS", "20")
application = get_wsgi_application()
