package dev.concierge.courier.core.naming;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.Settings;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a sink turns the Prometheus names of a sample that are outside the legacy set
 * ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}: dots, dashes, any other UTF-8) into the names it renders into Zabbix keys,
 * Graphite paths and lines: a sink's {@code name_escaping}. The schemes are Prometheus's own, as
 * {@code EscapeName} in prometheus/common {@code model/metric.go} writes them (the tests hold every example of its
 * {@code metric_test.go}):
 *
 * <pre>
 *   underscores   every character outside the legacy set becomes _            my.metric -&gt; my_metric
 *   dots          . becomes _dot_, _ becomes __, any other such character __   my.metric -&gt; my_dot_metric
 *   values        U__ first, _ becomes __, any other such character _hex_      my.metric -&gt; U__my_2e_metric
 *   none          names as the exporter served them                            my.metric -&gt; my.metric
 * </pre>
 *
 * A digit is outside the legacy set as a name's first character only. {@code dots} writes {@code __} for a
 * character other than {@code .}: the prometheus/common code and tests do, where the escaping-schemes page says a
 * single {@code _}. In {@code values} the hex is the code point's, lower case, without leading zeros; a lone
 * surrogate, which Go would have read as invalid UTF-8, is {@code _FFFD_}.
 *
 * <p><b>Which names.</b> {@link #apply} escapes only the names of {@link NameSyntax#PROMETHEUS} samples, and among
 * them only those outside the legacy set, as {@code EscapeMetricFamily} does: a name that needed no escaping keeps
 * its key under every scheme (even under {@code dots}, whose {@link #escape} doubles its underscores). Label names
 * are held to the metric-name set, colon included, as there. Label values, hosts, fields and the names of
 * {@link NameSyntax#VERBATIM} samples (Dropwizard, Graphite paths, the courier's own, a rename's result) are never
 * touched; nor is a {@link MetricType#ITEM} sample, a Zabbix key a client wrote.
 *
 * <p><b>The default</b>, {@link #UNDERSCORES}, is what an exporter serves a scraper that does not ask for UTF-8
 * names, and what Prometheus 3 asks for under {@code metric_name_validation_scheme: legacy}: the name the courier
 * received before exporters moved to UTF-8, so that the keys and paths already in use stay as they were. It is not
 * one-to-one ({@code a.b} and {@code a_b} meet); {@link #VALUES} is, and {@link #DOTS} nearly.
 *
 * <p>Stateless and thread-safe; allocates only for a name it changes.
 */
public enum NameEscaping {
    UNDERSCORES("underscores"),
    DOTS("dots"),
    VALUES("values"),
    NONE("none");

    /** Every sink's default: see the class comment. */
    public static final NameEscaping DEFAULT = UNDERSCORES;

    /** The key every sink that renders names reads its scheme from. */
    public static final String KEY = "name_escaping";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String configName;

    NameEscaping(String configName) {
        this.configName = configName;
    }

    /** The value of {@code name_escaping} that chooses this scheme. */
    public String configName() {
        return configName;
    }

    /** The scheme {@code name_escaping: <configName>} chooses; empty for an unknown name (case matters). */
    public static Optional<NameEscaping> ofConfigName(String configName) {
        return Arrays.stream(values()).filter(scheme -> scheme.configName.equals(configName)).findFirst();
    }

    /** The accepted values of {@code name_escaping}, in the order the documentation lists them. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(NameEscaping::configName).toList();
    }

    /**
     * The scheme {@value #KEY} chooses in a sink's {@code settings}, {@link #DEFAULT} when the key is absent; an
     * unknown value is recorded there as a problem at its line and column (and the default returned, so that the
     * binder goes on to report the rest). The sink lists {@value #KEY} among its expected keys.
     */
    public static NameEscaping bind(Settings settings) {
        String chosen = settings.optionalChoice(KEY, configNames(), DEFAULT.configName());
        return chosen == null ? DEFAULT : ofConfigName(chosen).orElse(DEFAULT);
    }

    /** True when {@code name} is a Prometheus name of the legacy set: not empty, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    public static boolean isLegacyValid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isLegacyChar(name.charAt(i), i == 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code name} as this scheme writes it, whatever it holds: prometheus/common's {@code EscapeName}. The empty
     * name stays empty; under {@link #UNDERSCORES} and {@link #VALUES} a legacy name is returned as it is.
     */
    public String escape(String name) {
        if (name.isEmpty() || this == NONE || (this != DOTS && isLegacyValid(name))) {
            return name;
        }
        StringBuilder escaped = new StringBuilder(name.length() + 8);
        if (this == VALUES) {
            escaped.append("U__");
        }
        for (int i = 0; i < name.length(); ) {
            int codePoint = name.codePointAt(i);
            boolean first = i == 0;
            i += Character.charCount(codePoint);
            boolean legacy = codePoint < 0x80 && isLegacyChar((char) codePoint, first);
            switch (this) {
                case UNDERSCORES -> escaped.append(legacy ? (char) codePoint : '_');
                case DOTS -> {
                    if (codePoint == '_') {
                        escaped.append("__");
                    } else if (codePoint == '.') {
                        escaped.append("_dot_");
                    } else if (legacy) {
                        escaped.append((char) codePoint);
                    } else {
                        escaped.append("__");
                    }
                }
                case VALUES -> {
                    if (codePoint == '_') {
                        escaped.append("__");
                    } else if (legacy) {
                        escaped.append((char) codePoint);
                    } else if (Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF) {
                        escaped.append("_FFFD_"); // a lone surrogate: Go reads its bytes as utf8.RuneError
                    } else {
                        escaped.append('_');
                        appendHex(escaped, codePoint);
                        escaped.append('_');
                    }
                }
                case NONE -> throw new AssertionError("none escapes nothing");
            }
        }
        return escaped.toString();
    }

    /**
     * {@code sample} with the names this scheme changes escaped, as a {@link NameSyntax#VERBATIM} sample so that
     * applying a scheme again changes nothing; {@code sample} itself when nothing changes, which is every
     * verbatim sample, every {@link MetricType#ITEM} and every sample whose names are all in the legacy set.
     * Labels whose names meet after escaping keep the value of the later in name order, as {@link Labels} does.
     */
    public Sample apply(Sample sample) {
        if (this == NONE || sample.nameSyntax() != NameSyntax.PROMETHEUS || sample.type() == MetricType.ITEM) {
            return sample;
        }
        String name = sample.name();
        String escapedName = isLegacyValid(name) ? name : escape(name);
        Labels labels = sample.labels();
        Labels escapedLabels = labels;
        for (int i = 0; i < labels.size(); i++) {
            if (!isLegacyValid(labels.name(i))) {
                escapedLabels = escapeLabelNames(labels);
                break;
            }
        }
        if (escapedName == name && escapedLabels == labels) {
            return sample;
        }
        return new Sample(escapedName, escapedLabels, sample.type(), sample.field(), sample.value(),
                sample.epochSecond(), sample.nanos(), sample.host(), sample.source(), NameSyntax.VERBATIM);
    }

    private Labels escapeLabelNames(Labels labels) {
        String[] names = new String[labels.size()];
        String[] values = new String[labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            String labelName = labels.name(i);
            names[i] = isLegacyValid(labelName) ? labelName : escape(labelName);
            values[i] = labels.value(i);
        }
        return Labels.of(names, values, names.length);
    }

    // isValidLegacyRune in prometheus/common: a digit only after the first character.
    private static boolean isLegacyChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                || (!first && c >= '0' && c <= '9');
    }

    // strconv.FormatInt(int64(b), 16): lower case, no leading zeros.
    private static void appendHex(StringBuilder out, int codePoint) {
        int shift = 28;
        while (shift > 0 && (codePoint >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            out.append(HEX[(codePoint >>> shift) & 0xF]);
        }
    }
}
