"""gunicorn's settings for every web process of the platform (make run, the benchmarks,
production): ``gunicorn --config config/gunicorn.py config.wsgi:application``.

The access log goes through ``orientation.utils.log_privacy.GunicornLogger``, which masks the
tokens of secret links, e-mail addresses and phone numbers."""

logger_class = "orientation.utils.log_privacy.GunicornLogger"

# A worker is killed after this many seconds: database waits stop well before (config/wsgi.py).
timeout = 30
