package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.naming.ZabbixLldMacros;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The item key rule, its length and JSON forms, and its agreement with the LLD macros of item prototypes. */
class ZabbixKeysTest {

    private static Sample sample(String name, Labels labels, MetricType type, String field, SampleValue value) {
        return new Sample(name, labels, type, field, value, 1_717_171_717L, 5, "app-01.example", "app");
    }

    @Test
    void zabbixKeyFollowsTheReferenceCourier() {
        Sample p99 = sample("app.requests", Labels.empty(), MetricType.TIMER, "p99", SampleValue.of(0.24));
        Sample count = sample("jobs.active", Labels.empty(), MetricType.COUNTER, null, SampleValue.of(3L));

        assertThat(ZabbixKeys.render(p99)).isEqualTo("timer[app.requests.p99]");
        assertThat(ZabbixKeys.render(count)).isEqualTo("counter[jobs.active]");
    }

    @Test
    void anItemKeyASenderWroteOutIsSentVerbatim() {
        String key = "app.status[main,\"a b\",]";
        Sample item = sample(key, Labels.empty(), MetricType.ITEM, null, SampleValue.of("ok"));
        byte[] json = new byte[key.length() * JsonStringBytes.MAX_BYTES_PER_CHAR];

        int end = ZabbixKeys.writeJson(item, json, 0);

        assertThat(ZabbixKeys.render(item)).isEqualTo(key);
        assertThat(ZabbixKeys.length(item)).isEqualTo(key.length());
        assertThat(new String(json, 0, end, StandardCharsets.UTF_8)).isEqualTo("app.status[main,\\\"a b\\\",]");
    }

    @Test
    void zabbixKeyCarriesLabelsSortedAndQuotesWhatTheGrammarRequires() {
        Sample s = sample("http_requests", Labels.of("path", "/a,b", "code", "200"), MetricType.COUNTER, null,
                SampleValue.of(1L));

        assertThat(ZabbixKeys.render(s)).isEqualTo("counter[http_requests,code=200,\"path=/a,b\"]");
    }

    @Test
    void zabbixKeyEscapesQuotesInsideQuotedParameters() {
        Sample s = sample("x", Labels.of("q", "say \"hi\", ok"), MetricType.GAUGE, null, SampleValue.of(1L));

        assertThat(ZabbixKeys.render(s)).isEqualTo("gauge[x,\"q=say \\\"hi\\\", ok\"]");
    }

    @Test
    void zabbixKeyQuotesAParameterByItsWholeTextWhateverPartTheCharacterIsIn() {
        Sample fieldComma = sample("a", Labels.empty(), MetricType.TIMER, "p,99", SampleValue.of(1L));
        Sample nameBracket = sample("a]", Labels.empty(), MetricType.TIMER, "p99", SampleValue.of(1L));
        Sample quoteFirst = sample("\"a", Labels.of("k", "v\""), MetricType.GAUGE, null, SampleValue.of(1L));
        Sample spaceFirst = sample("x", Labels.of(" k", "v"), MetricType.GAUGE, null, SampleValue.of(1L));
        Sample quoteInside = sample("x", Labels.of("k", "a\"b"), MetricType.GAUGE, null, SampleValue.of(1L));

        assertThat(ZabbixKeys.render(fieldComma)).isEqualTo("timer[\"a.p,99\"]");
        assertThat(ZabbixKeys.render(nameBracket)).isEqualTo("timer[\"a].p99\"]");
        assertThat(ZabbixKeys.render(quoteFirst)).isEqualTo("gauge[\"\\\"a\",k=v\"]");
        assertThat(ZabbixKeys.render(spaceFirst)).isEqualTo("gauge[x,\" k=v\"]");
        assertThat(ZabbixKeys.render(quoteInside)).isEqualTo("gauge[x,k=a\"b]");
    }

    @Test
    void zabbixKeyQuotesAnOpeningBracketOnlyAtTheStartAsZabbixDoes() {
        Sample bracketInside = sample("x", Labels.of("k", "a[0"), MetricType.GAUGE, null, SampleValue.of(1L));
        Sample bracketFirst = sample("x", Labels.of("[k", "v"), MetricType.GAUGE, null, SampleValue.of(1L));

        assertThat(ZabbixKeys.render(bracketInside)).isEqualTo("gauge[x,k=a[0]");
        assertThat(ZabbixKeys.render(bracketFirst)).isEqualTo("gauge[x,\"[k=v\"]");
    }

    @Test
    void zabbixKeyLengthAndJsonBytesMatchTheRenderedKeyForAnyText() {
        Random random = new Random(11);
        String alphabet = "abz09_.,[]= \"\\\n\t\b\f\r\u0000\u001f\u007f\u0080\u00e9\u07ff\u0800\u20ac\uD83D\uDE00\uDFFF";
        MetricType[] types = MetricType.values();
        for (int i = 0; i < 20_000; i++) {
            String[] labels = new String[2 * random.nextInt(4)];
            for (int l = 0; l < labels.length; l++) {
                labels[l] = text(random, alphabet, 6);
            }
            Sample s = sample(text(random, alphabet, 8), Labels.of(labels), types[random.nextInt(types.length)],
                    random.nextBoolean() ? null : text(random, alphabet, 4), SampleValue.of(1L));
            String key = ZabbixKeys.render(s);

            assertThat(ZabbixKeys.length(s)).as(key).isEqualTo(key.length());
            assertThat(writeJson(s, random.nextInt(3))).as(key).isEqualTo(json(key));
        }
    }

    @Test
    void zabbixKeyAsJsonEscapesZabbixsQuotesAndWritesUtf8() {
        Sample quoted = sample("x", Labels.of("q", "say \"hi\", ok", "u", "\u00e9\u20ac\uD83D\uDE00\n"),
                MetricType.GAUGE, null, SampleValue.of(1L));

        assertThat(ZabbixKeys.render(quoted)).isEqualTo("gauge[x,\"q=say \\\"hi\\\", ok\",u=\u00e9\u20ac\uD83D\uDE00\n]");
        assertThat(writeJson(quoted, 0)).isEqualTo(("gauge[x,\\\"q=say \\\\\\\"hi\\\\\\\", ok\\\","
                + "u=\u00e9\u20ac\\uD83D\\uDE00\\n]").getBytes(StandardCharsets.UTF_8));
        assertThat(writeJson(sample("courier.discovery", Labels.empty(), MetricType.DISCOVERY, null,
                SampleValue.of("[]")), 0)).isEqualTo("courier.discovery[]".getBytes(StandardCharsets.US_ASCII));
    }

    /** The key's JSON bytes, written at {@code at} into an array with exactly the room it asks for. */
    private static byte[] writeJson(Sample s, int at) {
        byte[] into = new byte[at + JsonStringBytes.MAX_BYTES_PER_CHAR * ZabbixKeys.length(s)];
        int end = ZabbixKeys.writeJson(s, into, at);
        return Arrays.copyOfRange(into, at, end);
    }

    /** JSON string contents as Jackson's generator writes them with its defaults, char by char. */
    private static byte[] json(String text) {
        StringBuilder escaped = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                case '\b' -> escaped.append("\\b");
                case '\t' -> escaped.append("\\t");
                case '\n' -> escaped.append("\\n");
                case '\f' -> escaped.append("\\f");
                case '\r' -> escaped.append("\\r");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        escaped.append(String.format("\\u%04X", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void discoveryValuesGoToTheirRulesKey() {
        Sample lld = sample("courier.discovery", Labels.empty(), MetricType.DISCOVERY, "sinks",
                SampleValue.of("[{\"{#SINK}\":\"zabbix\"}]"));

        assertThat(ZabbixKeys.render(lld)).isEqualTo("courier.discovery[sinks]");
    }

    /**
     * An item prototype {@code <type>[{#NAME},k1={#K1},...]}, expanded the way Zabbix expands LLD macros in
     * key parameters (substitute, then quote the parameter when it needs it: {@code zbx_quote_key_param}),
     * gives the very key rendered for the series: the macros (core, shared with the sources' discovery)
     * and the keys (here) agree.
     */
    @Test
    void prototypeKeysExpandedWithTheSeriesMacrosAreTheRenderedKeys() {
        List<Sample> series = List.of(
                sample("node_cpu_seconds_total", Labels.of("cpu", "1", "mode", "user"), MetricType.COUNTER, null,
                        SampleValue.of(2L)),
                sample("rpc_bucket", Labels.of("le", "1.0", "path", "/a,b"), MetricType.HISTOGRAM, null,
                        SampleValue.of(1L)),
                sample("container_up", Labels.of("name", "db", "Name", "x"), MetricType.UNTYPED, null,
                        SampleValue.of(1L)),
                sample("weird", Labels.of("v", " leading space", "w", "\"quoted", "x", "a]b", "y", "\u00fc=1",
                        "z", "a[0"), MetricType.UNTYPED, null, SampleValue.of(1L)));
        for (Sample sample : series) {
            Map<String, String> row = ZabbixLldMacros.ofSeries(sample.name(), sample.labels());
            List<String> macros = List.copyOf(row.keySet());
            StringBuilder key = new StringBuilder(sample.type().keyPrefix()).append('[')
                    .append(zabbixQuote(row.get(ZabbixLldMacros.NAME_MACRO)));
            for (int i = 0; i < sample.labels().size(); i++) {
                // ofSeries gives one macro per label, in label order, after {#NAME}
                key.append(',').append(zabbixQuote(sample.labels().name(i) + "=" + row.get(macros.get(i + 1))));
            }
            assertThat(key.append(']').toString()).as(sample.toString()).isEqualTo(ZabbixKeys.render(sample));
        }
        assertThat(ZabbixKeys.render(series.get(3)))
                .isEqualTo("untyped[weird,v= leading space,w=\"quoted,\"x=a]b\",y=\u00fc=1,z=a[0]");
        assertThat(ZabbixKeys.render(series.get(1))).isEqualTo("histogram[rpc_bucket,le=1.0,\"path=/a,b\"]");
    }

    /** Zabbix's zbx_quote_key_param(param, 0) on an unquoted parameter after macro substitution. */
    private static String zabbixQuote(String param) {
        boolean required = param.startsWith("\"") || param.startsWith(" ") || param.startsWith("[")
                || param.contains(",") || param.contains("]");
        return required ? "\"" + param.replace("\"", "\\\"") + "\"" : param;
    }
}
