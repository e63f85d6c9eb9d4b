#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Commands and the worker may wait longer for a lock than a web request (config/wsgi.py).
    os.environ.setdefault("DATABASE_LOCK_TIMEOUT_SECONDS", "30")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
