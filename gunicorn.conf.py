"""gunicorn's settings for the dashboard, read from the folder gunicorn is started in (this
one): `gunicorn "targets.web:create_server()"` from here needs no other option than the
workers, threads and address of the machine."""

# Idle connections are kept longer than any client waits between requests. With gunicorn's
# default of 2 s, a client that sends after 2-3 s idle can meet a connection the server is
# closing (the load test's simulated users, who wait 1-3 s, met it: docs/benchmarks.md).
# 75 s is what a reverse proxy such as nginx keeps its own connections.
keepalive = 75
