# Valid documents of prometheus/client_python tests/openmetrics/test_parser.py (Apache-2.0), one per test,
# named after the test. Loops over escapes become one case per escape, numbered.
VALID = {}
VALID['simple_counter'] = '# TYPE a counter\n# HELP a help\na_total 1\n# EOF\n'
VALID['uint64_counter'] = '# TYPE a counter\n# HELP a help\na_total 9223372036854775808\n# EOF\n'
VALID['simple_gauge'] = '# TYPE a gauge\n# HELP a help\na 1\n# EOF\n'
VALID['float_gauge'] = '# TYPE a gauge\n# HELP a help\na 1.2\n# EOF\n'
VALID['leading_zeros_simple_gauge'] = '# TYPE a gauge\n# HELP a help\na 0000000000000000000000000000000000000000001\n# EOF\n'
VALID['leading_zeros_float_gauge'] = '# TYPE a gauge\n# HELP a help\na 0000000000000000000000000000000000000000001.2e-1\n# EOF\n'
VALID['nan_gauge'] = '# TYPE a gauge\n# HELP a help\na NaN\n# EOF\n'
VALID['unit_gauge'] = '# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# HELP a_seconds help\na_seconds 1\n# EOF\n'
VALID['simple_summary'] = '# TYPE a summary\n# HELP a help\na_count 1\na_sum 2\n# EOF\n'
VALID['summary_quantiles'] = '# TYPE a summary\n# HELP a help\na_count 1\na_sum 2\na{quantile="0.5"} 0.7\na{quantile="1"} 0.8\n# EOF\n'
VALID['simple_histogram'] = '# TYPE a histogram\n# HELP a help\na_bucket{le="1.0"} 0\na_bucket{le="+Inf"} 3\na_count 3\na_sum 2\n# EOF\n'
VALID['simple_histogram_float_values'] = '# TYPE a histogram\n# HELP a help\na_bucket{le="1.0"} 0.0\na_bucket{le="+Inf"} 3.0\na_count 3.0\na_sum 2.0\n# EOF\n'
VALID['histogram_noncanonical'] = ('# TYPE a histogram\n# HELP a help\na_bucket{le="0"} 0\na_bucket{le="0.00000000001"} 0\n'
    'a_bucket{le="0.0000000001"} 0\na_bucket{le="1e-04"} 0\na_bucket{le="1.1e-4"} 0\na_bucket{le="1.1e-3"} 0\n'
    'a_bucket{le="1.1e-2"} 0\na_bucket{le="1"} 0\na_bucket{le="1e+05"} 0\na_bucket{le="10000000000"} 0\n'
    'a_bucket{le="100000000000.0"} 0\na_bucket{le="+Inf"} 3\na_count 3\na_sum 2\n# EOF\n')
VALID['negative_bucket_histogram'] = '# TYPE a histogram\n# HELP a help\na_bucket{le="-1.0"} 0\na_bucket{le="1.0"} 1\na_bucket{le="+Inf"} 3\n# EOF\n'
VALID['histogram_exemplars'] = ('# TYPE a histogram\n# HELP a help\na_bucket{le="1.0"} 0 # {a="b"} 0.5\na_bucket{le="2.0"} 2 # {a="c"} 0.5\n'
    'a_bucket{le="+Inf"} 3 # {a="2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"} 4 123\n# EOF\n')
VALID['simple_gaugehistogram'] = '# TYPE a gaugehistogram\n# HELP a help\na_bucket{le="1.0"} 0\na_bucket{le="+Inf"} 3\na_gcount 3\na_gsum 2\n# EOF\n'
VALID['negative_bucket_gaugehistogram'] = '# TYPE a gaugehistogram\n# HELP a help\na_bucket{le="-1.0"} 1\na_bucket{le="1.0"} 2\na_bucket{le="+Inf"} 3\na_gcount 3\na_gsum -5\n# EOF\n'
VALID['gaugehistogram_exemplars'] = ('# TYPE a gaugehistogram\n# HELP a help\na_bucket{le="1.0"} 0 123 # {a="b"} 0.5\n'
    'a_bucket{le="2.0"} 2 123 # {a="c"} 0.5\na_bucket{le="+Inf"} 3 123 # {a="d"} 4 123\n# EOF\n')
VALID['counter_exemplars'] = '# TYPE a counter\n# HELP a help\na_total 0 123 # {a="b"} 0.5\n# EOF\n'
VALID['counter_exemplars_empty_brackets'] = '# TYPE a counter\n# HELP a help\na_total{} 0 123 # {a="b"} 0.5\n# EOF\n'
VALID['simple_info'] = '# TYPE a info\n# HELP a help\na_info{foo="bar"} 1\n# EOF\n'
VALID['info_timestamps'] = '# TYPE a info\n# HELP a help\na_info{a="1",foo="bar"} 1 1\na_info{a="2",foo="bar"} 1 0\n# EOF\n'
VALID['simple_stateset'] = '# TYPE a stateset\n# HELP a help\na{a="bar"} 0\na{a="foo"} 1.0\n# EOF\n'
VALID['duplicate_timestamps'] = ('# TYPE a gauge\n# HELP a help\na{a="1",foo="bar"} 1 0.0000000000\na{a="1",foo="bar"} 2 0.0000000001\n'
    'a{a="1",foo="bar"} 3 0.0000000010\na{a="2",foo="bar"} 4 0.0000000000\na{a="2",foo="bar"} 5 0.0000000001\n# EOF\n')
VALID['no_metadata'] = 'a 1\n# EOF\n'
VALID['empty_metadata'] = '# HELP a \n# UNIT a \n# EOF\n'
VALID['untyped'] = ('# HELP redis_connected_clients Redis connected clients\n# TYPE redis_connected_clients unknown\n'
    'redis_connected_clients{instance="rough-snowflake-web",port="6380"} 10.0\n'
    'redis_connected_clients{instance="rough-snowflake-web",port="6381"} 12.0\n# EOF\n')
VALID['type_help_switched'] = '# HELP a help\n# TYPE a counter\na_total 1\n# EOF\n'
VALID['labels_with_curly_braces'] = '# TYPE a counter\n# HELP a help\na_total{foo="bar",bar="b{a}z"} 1\n# EOF\n'
VALID['empty_help'] = '# TYPE a counter\n# HELP a \na_total 1\n# EOF\n'
VALID['labels_and_infinite'] = '# TYPE a gauge\n# HELP a help\na{foo="bar"} +Inf\na{foo="baz"} -Inf\n# EOF\n'
VALID['empty_brackets'] = '# TYPE a counter\n# HELP a help\na_total{} 1\n# EOF\n'
VALID['nan'] = 'a NaN\n# EOF\n'
VALID['no_newline_after_eof'] = '# TYPE a gauge\n# HELP a help\na 1\n# EOF'
VALID['empty_label'] = '# TYPE a counter\n# HELP a help\na_total{foo="bar"} 1\na_total{foo=""} 2\n# EOF\n'
for i, v in enumerate(['foo', '\\foo', '\\\\foo', 'foo\\\\', '\\\\', '\\n', '\\\\n', '\\\\\\n', '\\"', '\\\\\\"']):
    VALID['label_escaping_%d' % i] = '# TYPE a counter\n# HELP a help\na_total{foo="%s",bar="baz"} 1\n# EOF\n' % v
for i, v in enumerate(['foo', '\\foo', '\\\\foo', 'foo\\', 'foo\\\\', '\\n', '\\\\n', '\\\\\\n', '\\"', '\\\\"', '\\\\\\"']):
    VALID['help_escaping_%d' % i] = '# TYPE a counter\n# HELP a %s\na_total{foo="bar"} 1\n# EOF\n' % v
VALID['escaping'] = ('# TYPE a counter\n# HELP a he\\n\\\\l\\tp\na_total{foo="b\\"a\\nr"} 1\na_total{foo="b\\\\a\\z"} 2\n'
    'a_total{foo="b\\"a\\nr # "} 3\na_total{foo="b\\\\a\\z # "} 4\n# EOF\n')
VALID['null_byte'] = '# TYPE a counter\n# HELP a he\0lp\n# EOF\n'
VALID['timestamps'] = ('# TYPE a counter\n# HELP a help\na_total{foo="1"} 1 000\na_total{foo="2"} 1 0.0\na_total{foo="3"} 1 1.1\n'
    'a_total{foo="4"} 1 12345678901234567890.1234567890\na_total{foo="5"} 1 1.5e3\n# TYPE b counter\n# HELP b help\n'
    'b_total 2 1234567890\n# EOF\n')
VALID['hash_in_label_value'] = '# TYPE a counter\n# HELP a help\na_total{foo="foo # bar"} 1\na_total{foo="} foo # bar # "} 1\n# EOF\n'
VALID['exemplars_with_hash_in_label_values'] = ('# TYPE a histogram\n# HELP a help\n'
    'a_bucket{le="1.0",foo="bar # "} 0 # {a="b",foo="bar # bar"} 0.5\n'
    'a_bucket{le="2.0",foo="bar # "} 2 # {a="c",foo="bar # bar"} 0.5\n'
    'a_bucket{le="+Inf",foo="bar # "} 3 # {a="d",foo="bar # bar"} 4\n# EOF\n')
VALID['roundtrip'] = '''# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0.0"} 0.013300656000000001
go_gc_duration_seconds{quantile="0.25"} 0.013638736
go_gc_duration_seconds{quantile="0.5"} 0.013759906
go_gc_duration_seconds{quantile="0.75"} 0.013962066
go_gc_duration_seconds{quantile="1.0"} 0.021383540000000003
go_gc_duration_seconds_sum 56.12904785
go_gc_duration_seconds_count 7476.0
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 166.0
# HELP prometheus_local_storage_indexing_batch_duration_milliseconds Quantiles for batch indexing duration in milliseconds.
# TYPE prometheus_local_storage_indexing_batch_duration_milliseconds summary
prometheus_local_storage_indexing_batch_duration_milliseconds{quantile="0.5"} NaN
prometheus_local_storage_indexing_batch_duration_milliseconds{quantile="0.9"} NaN
prometheus_local_storage_indexing_batch_duration_milliseconds{quantile="0.99"} NaN
prometheus_local_storage_indexing_batch_duration_milliseconds_sum 871.5665949999999
prometheus_local_storage_indexing_batch_duration_milliseconds_count 229.0
# HELP process_cpu_seconds Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds counter
process_cpu_seconds_total 29323.4
# HELP process_virtual_memory_bytes Virtual memory size in bytes.
# TYPE process_virtual_memory_bytes gauge
process_virtual_memory_bytes 2.478268416e+09
# HELP prometheus_build_info A metric with a constant '1' value labeled by version, revision, and branch from which Prometheus was built.
# TYPE prometheus_build_info gauge
prometheus_build_info{branch="HEAD",revision="ef176e5",version="0.16.0rc1"} 1.0
# HELP prometheus_local_storage_chunk_ops The total number of chunk operations by their type.
# TYPE prometheus_local_storage_chunk_ops counter
prometheus_local_storage_chunk_ops_total{type="clone"} 28.0
prometheus_local_storage_chunk_ops_total{type="create"} 997844.0
prometheus_local_storage_chunk_ops_total{type="drop"} 1.345758e+06
prometheus_local_storage_chunk_ops_total{type="load"} 1641.0
prometheus_local_storage_chunk_ops_total{type="persist"} 981408.0
prometheus_local_storage_chunk_ops_total{type="pin"} 32662.0
prometheus_local_storage_chunk_ops_total{type="transcode"} 980180.0
prometheus_local_storage_chunk_ops_total{type="unpin"} 32662.0
# HELP foo histogram Testing histogram buckets
# TYPE foo histogram
foo_bucket{le="0.0"} 0.0
foo_bucket{le="1e-05"} 0.0
foo_bucket{le="0.0001"} 0.0
foo_bucket{le="0.1"} 8.0
foo_bucket{le="1.0"} 10.0
foo_bucket{le="10.0"} 17.0
foo_bucket{le="100000.0"} 17.0
foo_bucket{le="1e+06"} 17.0
foo_bucket{le="1.55555555555552e+06"} 17.0
foo_bucket{le="1e+23"} 17.0
foo_bucket{le="+Inf"} 17.0
foo_count 17.0
foo_sum 324789.3
foo_created 1.520430000123e+09
# HELP bar histogram Testing with labels
# TYPE bar histogram
bar_bucket{a="b",le="+Inf"} 0.0
bar_bucket{a="c",le="+Inf"} 0.0
# EOF
'''
