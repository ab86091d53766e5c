# The independent parser: reads an exposition from stdin and prints one JSON array per sample:
# [name, {labels}, repr(value)]. argv[1] is "text" (0.0.4) or "openmetrics".
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
from prometheus_client.parser import text_string_to_metric_families as text

body = sys.stdin.buffer.read().decode('utf-8')
parse = openmetrics if sys.argv[1] == 'openmetrics' else text
for family in parse(body):
    for sample in family.samples:
        print(json.dumps([sample.name, sample.labels, repr(float(sample.value))]))
