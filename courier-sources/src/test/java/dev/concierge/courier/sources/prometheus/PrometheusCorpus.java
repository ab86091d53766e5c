package dev.concierge.courier.sources.prometheus;

/** Small expositions with every feature, shared by the hostile-input and key tests. */
final class PrometheusCorpus {
    private PrometheusCorpus() {
    }

    static String text() {
        return """
                # HELP http_requests_total The total number of HTTP requests.
                # TYPE http_requests_total counter
                http_requests_total{method="post",code="200"} 1027 1395066363000
                msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
                # TYPE go_gc_duration_seconds summary
                go_gc_duration_seconds{quantile="0.5"} 4.9351e-05
                go_gc_duration_seconds_sum 0.0005
                go_gc_duration_seconds_count 12
                # TYPE rpc histogram
                rpc_bucket{le="0.05"} 24054
                rpc_bucket{le="+Inf"} 144320
                rpc_sum 53423
                rpc_count 144320
                """;
    }

    static String openMetrics() {
        return """
                # TYPE process_cpu_seconds counter
                # UNIT process_cpu_seconds seconds
                process_cpu_seconds_total 4.20072246e+06 1520879607.789
                process_cpu_seconds_created 1520000000
                # TYPE foo histogram
                foo_bucket{le="1.0"} 11 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.789
                foo_bucket{le="+Inf"} 17
                foo_count 17
                foo_sum 324789.3
                # TYPE cpu_state stateset
                cpu_state{cpu_state="busy"} 1
                # TYPE build info
                build_info{version="1.2.3"} 1
                # EOF
                """;
    }

    static String utf8Names() {
        return """
                # TYPE "my.requests" counter
                # HELP "my.requests" Requests, "quoted" \\ and \\n.
                {"my.requests_total","http.status"="200",code="ok"} 3 # {"trace.id"="a"} 1
                {"my.requests_created","http.status"="200",code="ok"} 1700000000
                # TYPE "lat.s" histogram
                {"lat.s_bucket",le="0.5"} 1
                {"lat.s_bucket",le="+Inf"} 2
                {"lat.s_count"} 2
                {"lat.s_sum"} 0.75
                plain{"ä.b"="ü"} 1
                # EOF
                """;
    }
}
