# A real OpenMetrics producer for the tests: the Python Prometheus client's own exposition, with every
# metric type it has, label values that need escaping, and a NaN. Prints its port, then serves until killed.
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, Counter, Enum, Gauge, Histogram, Info, Summary
from prometheus_client.exposition import make_wsgi_app

registry = CollectorRegistry()
jobs = Counter('courier_jobs', 'Jobs done.', ['queue'], registry=registry)
jobs.labels('a,b').inc(3)
jobs.labels('quote" back\\ newline\n ]end').inc(1.5)
Gauge('courier_temperature_celsius', 'Temperature.', registry=registry).set(-12.25)
latency = Histogram('courier_latency_seconds', 'Latency.', ['path'], registry=registry)
for v in (0.003, 0.2, 4, 20):
    latency.labels('/x').observe(v)
Summary('courier_size_bytes', 'Sizes.', registry=registry).observe(512)
Info('courier_build', 'Build.', registry=registry).info({'version': '1.2.3', 'revision': ''})
Enum('courier_state', 'State.', states=['up', 'down'], registry=registry).state('up')
Gauge('courier_not_a_number', 'NaN.', registry=registry).set(float('nan'))


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server('127.0.0.1', 0, make_wsgi_app(registry), handler_class=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
