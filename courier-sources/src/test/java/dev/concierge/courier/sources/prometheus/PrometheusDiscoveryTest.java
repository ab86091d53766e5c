package dev.concierge.courier.sources.prometheus;

import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.LabelRewrite;
import dev.concierge.courier.core.process.NameRewrite;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.process.SampleSelector;
import dev.concierge.courier.core.naming.ZabbixLldMacros;
import dev.concierge.courier.core.spi.LldJson;
import dev.concierge.courier.core.spi.LldJson.Format;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PrometheusDiscoveryTest {
    private static final String NODE = """
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{cpu="1",mode="user"} 2
            node_cpu_seconds_total{cpu="0",mode="idle"} 1
            node_cpu_seconds_total{cpu="0",mode="user"} 3
            # TYPE node_load1 gauge
            node_load1 0.5
            # TYPE rpc histogram
            rpc_bucket{le="1",path="/a,b"} 1
            rpc_bucket{le="+Inf",path="/a,b"} 2
            rpc_sum{path="/a,b"} 3
            rpc_count{path="/a,b"} 2
            container_up{name="db",Name="x"} 1
            """;

    @Test
    void listsOneRowPerSeriesWithEveryLabelAsAMacroSorted() {
        assertThat(toJson(parse(NODE, PrometheusFormat.TEXT_0_0_4), "node_cpu_seconds_total",
                Format.ARRAY)).isEqualTo("["
                + "{\"{#NAME}\":\"node_cpu_seconds_total\",\"{#CPU}\":\"0\",\"{#MODE}\":\"idle\"},"
                + "{\"{#NAME}\":\"node_cpu_seconds_total\",\"{#CPU}\":\"0\",\"{#MODE}\":\"user\"},"
                + "{\"{#NAME}\":\"node_cpu_seconds_total\",\"{#CPU}\":\"1\",\"{#MODE}\":\"user\"}]");
    }

    @Test
    void filtersByFamilyOrBySampleName() {
        PrometheusParseResult parsed = parse(NODE, PrometheusFormat.TEXT_0_0_4);

        assertThat(rows(parsed, "rpc")).extracting(row -> row.get("{#NAME}"))
                .containsExactly("rpc_bucket", "rpc_bucket", "rpc_count", "rpc_sum");
        assertThat(rows(parsed, "rpc_bucket")).containsExactly(
                Map.of("{#NAME}", "rpc_bucket", "{#LE}", "+Inf", "{#PATH}", "/a,b"),
                Map.of("{#NAME}", "rpc_bucket", "{#LE}", "1.0", "{#PATH}", "/a,b"));
        assertThat(rows(parsed, null)).hasSize(9);
        assertThat(toJson(parsed, "node_load1", Format.DATA_OBJECT))
                .isEqualTo("{\"data\":[{\"{#NAME}\":\"node_load1\"}]}");
        assertThat(toJson(parsed, "nothing", Format.ARRAY)).isEqualTo("[]");
    }

    @Test
    void keepsTheNameMacroForTheMetricAndSeparatesLabelsThatCollide() {
        List<Map<String, String>> rows = rows(parse(NODE, PrometheusFormat.TEXT_0_0_4), "container_up");

        assertThat(rows).singleElement().isEqualTo(
                Map.of("{#NAME}", "container_up", "{#LABEL.NAME}", "x", "{#LABEL.NAME_2}", "db"));
        assertThat(PrometheusDiscovery.macroOf("cpu")).isEqualTo("{#CPU}");
        assertThat(PrometheusDiscovery.macroOf("name")).isEqualTo("{#LABEL.NAME}");
        assertThat(PrometheusDiscovery.macroOf("ünit-x")).isEqualTo("{#_NIT_X}");
    }

    @Test
    void givesNoRowsButTheReasonForAnExpositionWithMalformedLines() {
        LldRows rows = PrometheusDiscovery.rows(parse(NODE + "broken{ 1\n", PrometheusFormat.TEXT_0_0_4));

        assertThat(rows.rows()).isEmpty();
        assertThat(rows.incomplete()).startsWith("1 malformed lines in the last exposition, first: line 13");
    }

    @Test
    void listsTheSeriesAsTheRulesLeaveThemAndNoneForWhatTheyDrop() {
        SampleProcessor rules = SampleProcessor.of(
                List.of(SampleSelector.parse("node_*"), SampleSelector.parse("rpc_count")),
                List.of(SampleSelector.parse("{mode=\"user\"}")), List.of(), null,
                List.of(NameRewrite.of("node_(.*)", "host.$1")), LabelRewrite.of(Map.of("cpu", "core"), List.of(), Map.of()));

        LldRows rows = PrometheusDiscovery.rows(parse(NODE, PrometheusFormat.TEXT_0_0_4), rules.fresh()::apply);

        assertThat(LldJson.toJson(rows.rows().stream().map(LldRow::macros).toList(), Format.ARRAY)).isEqualTo("["
                + "{\"{#NAME}\":\"host.cpu_seconds_total\",\"{#CORE}\":\"0\",\"{#MODE}\":\"idle\"},"
                + "{\"{#NAME}\":\"host.load1\"},"
                + "{\"{#NAME}\":\"rpc_count\",\"{#PATH}\":\"/a,b\"}]");
        assertThat(rows.rows()).extracting(LldRow::group).containsExactly("node_cpu_seconds_total", "node_load1", "rpc");
    }

    @Test
    void givesTheSameRowsThroughNoProcessingAsWithout() {
        PrometheusParseResult parsed = parse(NODE, PrometheusFormat.TEXT_0_0_4);

        assertThat(PrometheusDiscovery.rows(parsed, UnaryOperator.identity()).rows())
                .isEqualTo(PrometheusDiscovery.rows(parsed).rows());
    }

    @Test
    void listsTwoSeriesRenamedIntoOneOnce() {
        UnaryOperator<Sample> oneName = sample -> sample.name().startsWith("rpc_")
                ? sample.withName("rpc").withLabels(sample.labels()) : null;

        assertThat(PrometheusDiscovery.rows(parse(NODE, PrometheusFormat.TEXT_0_0_4), sample ->
                sample.name().equals("rpc_sum") || sample.name().equals("rpc_count") ? oneName.apply(sample) : null)
                .rows()).extracting(LldRow::macros)
                .containsExactly(Map.of("{#NAME}", "rpc", "{#PATH}", "/a,b"));
    }

    @Test
    void groupsEachRowByItsFamily() {
        assertThat(PrometheusDiscovery.rows(parse(NODE, PrometheusFormat.TEXT_0_0_4)).rows())
                .filteredOn(row -> row.macros().get("{#NAME}").equals("rpc_sum"))
                .extracting(LldRow::group).containsExactly("rpc");
    }

    /** The rows {@code courier discover --family} lists: every series when {@code family} is null. */
    private static List<Map<String, String>> rows(PrometheusParseResult parsed, String family) {
        return PrometheusDiscovery.rows(parsed).select(family == null ? row -> true : PrometheusDiscovery.inFamily(family))
                .stream().map(LldRow::macros).toList();
    }

    private static String toJson(PrometheusParseResult parsed, String family, Format format) {
        return LldJson.toJson(rows(parsed, family), format);
    }

    /**
     * The item prototype {@code <type>[{#NAME},k1={#K1},...]}, expanded the way Zabbix expands LLD macros in
     * key parameters (substitute, then quote the parameter when it needs it: {@code zbx_quote_key_param}),
     * gives the key the sink sends for that series. Each row is the core's {@link ZabbixLldMacros} row,
     * which courier-sinks' {@code ZabbixKeysTest} checks against the key rule for any series; the keys of
     * three series are spelled out here.
     */
    @Test
    void prototypeKeysExpandToTheKeysTheSinkSends() {
        PrometheusParseResult parsed = parse(NODE + """
                weird{v=" leading space",w="\\"quoted",x="a]b",y="ü=1",z="a[0"} 1
                """, PrometheusFormat.TEXT_0_0_4);
        List<String> keys = new ArrayList<>();

        for (Sample sample : parsed.samples()) {
            Map<String, String> row = rows(parsed, sample.name()).stream()
                    .filter(r -> sample.labels().names().stream()
                            .allMatch(l -> sample.labels().get(l).equals(r.get(macroFor(r, sample, l)))))
                    .findFirst().orElseThrow();
            StringBuilder key = new StringBuilder(sample.type().keyPrefix()).append('[')
                    .append(zabbixQuote(row.get("{#NAME}")));
            for (String label : sample.labels().names()) {
                key.append(',').append(zabbixQuote(label + "=" + row.get(macroFor(row, sample, label))));
            }
            assertThat(row).isEqualTo(ZabbixLldMacros.ofSeries(sample.name(), sample.labels()));
            keys.add(key.append(']').toString());
        }
        assertThat(keys.get(keys.size() - 1))
                .isEqualTo("untyped[weird,v= leading space,w=\"quoted,\"x=a]b\",y=ü=1,z=a[0]");
        assertThat(keys.get(0)).isEqualTo("counter[node_cpu_seconds_total,cpu=1,mode=user]");
        assertThat(keys.get(4)).isEqualTo("histogram[rpc_bucket,le=1.0,\"path=/a,b\"]");
    }

    private static String macroFor(Map<String, String> row, Sample sample, String label) {
        // {#LABEL.NAME} and {#LABEL.NAME_2} in label-name order; every other label has its plain macro
        String macro = PrometheusDiscovery.macroOf(label);
        List<String> same = sample.labels().names().stream().filter(l -> PrometheusDiscovery.macroOf(l).equals(macro)).toList();
        int index = same.indexOf(label);
        return index == 0 ? macro : macro.substring(0, macro.length() - 1) + "_" + (index + 1) + "}";
    }

    /** Zabbix's zbx_quote_key_param(param, 0) on an unquoted parameter after macro substitution. */
    private static String zabbixQuote(String param) {
        boolean required = param.startsWith("\"") || param.startsWith(" ") || param.startsWith("[")
                || param.contains(",") || param.contains("]");
        return required ? "\"" + param.replace("\"", "\\\"") + "\"" : param;
    }
}
