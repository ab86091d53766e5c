# Writes the conformance cases: <name>.om (the document, byte for byte) and <name>.expected.
# An expected file is "invalid", or "valid" followed by one line per sample the reference parser
# (prometheus_client's OpenMetrics parser) produces, in the courier's model (see README.md):
#   sample <name> <labels> <value> [@<second>.<nanos>]      labels {k="v",...} sorted by name
#   start <family> <labels> <seconds as written by the reference parser>     for a _created sample
# Cases are named <source>.<case>: client_python.<test name>, OpenMetrics.<directory name>.
import json, math, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from cases_valid import VALID
from cases_invalid import INVALID
from cases_openmetrics import OPENMETRICS
from prometheus_client.openmetrics.parser import text_string_to_metric_families

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def esc(v):
    return v.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')

def canonical(name, v):
    if name in ('le', 'quantile'):
        try:
            f = float(v)
            if v.lstrip('+-').isdigit():
                return v + '.0'
        except ValueError:
            pass
    return v

def labels(d, drop=()):
    items = sorted((k, canonical(k, v)) for k, v in d.items() if v != '' and k not in drop)
    return '{' + ','.join('%s="%s"' % (k, esc(v)) for k, v in items) + '}'

def value(v):
    f = float(v)
    if math.isnan(f): return 'NaN'
    if math.isinf(f): return '+Inf' if f > 0 else '-Inf'
    return repr(f)

def ts(t):
    if t is None: return ''
    if hasattr(t, 'sec'):
        return ' @%d.%09d' % (t.sec, t.nsec)
    sec = math.floor(t); return ' @%d.%09d' % (sec, round((t - sec) * 1e9))

# bad_exemplar_complex_chars: its combining characters did not come through retrieval byte for byte.
OPENMETRICS = {k: v for k, v in OPENMETRICS.items() if k != 'bad_exemplar_complex_chars'}
VALID = {'client_python.' + k: v for k, v in VALID.items()}
VALID.update({'OpenMetrics.' + k: v for k, v in OPENMETRICS.items() if not k.startswith('bad_')})
INVALID = {'client_python.' + k: v for k, v in INVALID.items()}
INVALID.update({'OpenMetrics.' + k: v for k, v in OPENMETRICS.items() if k.startswith('bad_')})

for name, doc in sorted(VALID.items()):
    with open(os.path.join(out, name + '.om'), 'wb') as f:
        f.write(doc.encode('utf-8'))
    lines = ['valid']
    for fam in text_string_to_metric_families(doc):
        seen = {}
        for s in fam.samples:
            if s.name == fam.name + '_created' and fam.type in ('counter', 'histogram', 'summary'):
                lines.append('start %s %s %s' % (fam.name, labels(s.labels), value(s.value)))
                continue
            lines.append('sample %s %s %s%s' % (s.name, labels(s.labels), value(s.value), ts(s.timestamp)))
    with open(os.path.join(out, name + '.expected'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
for name, doc in sorted(INVALID.items()):
    with open(os.path.join(out, name + '.om'), 'wb') as f:
        f.write(doc.encode('utf-8'))
    with open(os.path.join(out, name + '.expected'), 'w') as f:
        f.write('invalid\n')
