package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.naming.ZabbixLldMacros;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which trapper discovery rule discovers a sample's series, and with which macros. The rule key and the
 * macros are chosen so that the item prototypes of {@code zabbix/templates/concierge-courier.yaml} expand
 * to exactly the key {@link dev.concierge.courier.sinks.zabbix.client.ZabbixKeys#render} gives the sample. Decided
 * from the sample's shape alone, first match wins:
 *
 * <pre>
 *   courier.sink.* with label sink          courier.discovery[sinks]              {#SINK}
 *   courier.source.* with label source      courier.discovery[sources]            {#SOURCE}
 *   consul.service.* with labels            courier.discovery[health,&lt;name&gt;]     {#NAME} + label macros
 *   no labels, and a field or a gauge       courier.discovery[timers|meters|counters|gauges|histograms]
 *                                                                                 {#TIMER} ... = the name
 *   anything else (Prometheus series)       courier.discovery[prometheus,&lt;family&gt;] {#NAME} + label macros
 * </pre>
 *
 * Label macros follow {@link ZabbixLldMacros}, as the {@code discover} command does. The family is the
 * sample name without the suffixes a histogram ({@code _bucket}, {@code _sum}, {@code _count},
 * {@code _gsum}, {@code _gcount}), a summary ({@code _sum}, {@code _count}) or a counter adds beyond
 * {@code _total} ({@code _created}); a counter keeps {@code _total}, so text 0.0.4 and OpenMetrics give the
 * same rule key.
 *
 * @param ruleKey the discovery rule's key
 * @param macros  the LLD row: macro to value, in the order they are written
 */
record LldSeries(String ruleKey, Map<String, String> macros) {

    static final String SINKS_RULE = "courier.discovery[sinks]";
    static final String SOURCES_RULE = "courier.discovery[sources]";

    static LldSeries of(Sample sample) {
        String name = sample.name();
        Labels labels = sample.labels();
        if (name.startsWith("courier.sink.") && labels.get("sink") != null) {
            return new LldSeries(SINKS_RULE, Map.of("{#SINK}", labels.get("sink")));
        }
        if (name.startsWith("courier.source.") && labels.get("source") != null) {
            return new LldSeries(SOURCES_RULE, Map.of("{#SOURCE}", labels.get("source")));
        }
        if (name.startsWith("consul.service.") && !labels.isEmpty()) {
            return new LldSeries("courier.discovery[health," + name + "]", ZabbixLldMacros.ofSeries(name, labels));
        }
        if (labels.isEmpty() && (sample.field() != null || sample.type() == MetricType.GAUGE)) {
            String kind = switch (sample.type()) {
                case TIMER -> "timer";
                case METER -> "meter";
                case COUNTER -> "counter";
                case GAUGE -> "gauge";
                case HISTOGRAM -> "histogram";
                default -> null;
            };
            if (kind != null) {
                Map<String, String> macros = new LinkedHashMap<>();
                macros.put("{#" + kind.toUpperCase(Locale.ROOT) + "}", name);
                return new LldSeries("courier.discovery[" + kind + "s]", macros);
            }
        }
        return new LldSeries("courier.discovery[prometheus," + family(sample) + "]",
                ZabbixLldMacros.ofSeries(name, labels));
    }

    static String family(Sample sample) {
        String name = sample.name();
        String[] suffixes = switch (sample.type()) {
            case HISTOGRAM -> new String[] {"_bucket", "_sum", "_count", "_created", "_gsum", "_gcount"};
            case SUMMARY -> new String[] {"_sum", "_count", "_created"};
            case COUNTER -> new String[] {"_created"};
            default -> new String[0];
        };
        for (String suffix : suffixes) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }
}
