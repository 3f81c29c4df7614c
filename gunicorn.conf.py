"""gunicorn settings for `make serve` (production). Django's own settings come from the
environment (README, "Production"); these only shape the HTTP server."""

import multiprocessing
import os

wsgi_app = "mechatrec.wsgi:application"
# nginx proxies to this address; keep gunicorn off the public interface.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual 2 × cores + 1 sync workers: requests are short and mostly wait on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A worker stuck longer than this is killed and replaced; the statement timeout (10 s) and the
# connect timeout (3 s) keep normal requests well below it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow forever.
max_requests = 2000
max_requests_jitter = 200

# Refuse oversized request lines and header floods before Django sees them.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Logs to standard error, for systemd/journald. The access log holds no personal data: no client
# address (%(h)s), no query string, referrer or user agent; just what was asked and how it went.
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# X-Forwarded-Proto is honoured from the local nginx only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control interface (gunicornc): systemd restarts and signals are enough, and a
# shared default socket path would clash between instances on one machine.
control_socket_disable = True
