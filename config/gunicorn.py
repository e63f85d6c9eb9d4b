"""gunicorn's settings for every web process of the platform (make run, the benchmarks,
production): ``gunicorn --config config/gunicorn.py config.wsgi:application``.

The access log goes through ``orientation.utils.log_privacy.GunicornLogger``, which masks the
tokens of secret links, e-mail addresses and phone numbers."""

from orientation.utils.gunicorn_response import install

logger_class = "orientation.utils.log_privacy.GunicornLogger"

# A response's headers leave with its body, in one write: a host that dies between the two would
# leave the visitor with headers and no page, which the balancer cannot send elsewhere.
install()

# A worker is killed after this many seconds: database waits stop well before (config/wsgi.py).
timeout = 30

# The load balancer's request id (X-Request-ID, deploy/haproxy/haproxy.cfg) ends each access-log
# line, so that one request is followed from the balancer to the web host.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}i)s'
