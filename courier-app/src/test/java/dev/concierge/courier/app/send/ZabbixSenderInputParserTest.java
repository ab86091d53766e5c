package dev.concierge.courier.app.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.app.send.ZabbixSenderInputParser.Malformed;
import dev.concierge.courier.app.send.ZabbixSenderInputParser.Value;
import org.junit.jupiter.api.Test;

/**
 * Golden cases for the {@code zabbix_sender -i} grammar. Every expectation was first observed with
 * {@code zabbix_sender} 6.0.14 against a recording trapper: the JSON rows it sent, or the message it logged.
 */
class ZabbixSenderInputParserTest {
    private static final ZabbixSenderInputParser PLAIN = new ZabbixSenderInputParser("myhost", false, false);
    private static final ZabbixSenderInputParser NO_DEFAULT = new ZabbixSenderInputParser(null, false, false);
    private static final ZabbixSenderInputParser WITH_T = new ZabbixSenderInputParser("myhost", true, false);
    private static final ZabbixSenderInputParser WITH_TN = new ZabbixSenderInputParser("myhost", true, true);

    private static Value value(ZabbixSenderInputParser parser, String line) {
        return (Value) parser.parse(line, 1);
    }

    private static Malformed malformed(ZabbixSenderInputParser parser, String line, long lineNumber) {
        return (Malformed) parser.parse(line, lineNumber);
    }

    @Test
    void readsHostKeyAndTheRestOfTheLineAsValue() {
        assertThat(value(PLAIN, "h1 k1 v1")).isEqualTo(new Value("h1", "k1", "v1", -1, -1));
        assertThat(value(PLAIN, "h1 k3 rest of line  ")).isEqualTo(new Value("h1", "k3", "rest of line  ", -1, -1));
        assertThat(value(PLAIN, "  h1   k1    v1  ")).isEqualTo(new Value("h1", "k1", "v1  ", -1, -1));
        assertThat(value(PLAIN, "\th1\tk1\tv1")).isEqualTo(new Value("h1", "k1", "v1", -1, -1));
        assertThat(value(PLAIN, "#comment k v")).isEqualTo(new Value("#comment", "k", "v", -1, -1));
    }

    @Test
    void trimsLineEndingsOnly() {
        assertThat(value(PLAIN, "h1 k1 v1\r\n")).isEqualTo(new Value("h1", "k1", "v1", -1, -1));
        assertThat(value(PLAIN, "h1 k2 \"v2\"\r")).isEqualTo(new Value("h1", "k2", "v2", -1, -1));
    }

    @Test
    void unescapesQuotedFieldsOnly() {
        assertThat(value(PLAIN, "- k2 \"quoted \\\"x\\\" \\\\ \\n end\""))
                .isEqualTo(new Value("myhost", "k2", "quoted \"x\" \\ \n end", -1, -1));
        assertThat(value(PLAIN, "\"h 1\" \"k 1\" \"tr\\\\n\"")).isEqualTo(new Value("h 1", "k 1", "tr\\n", -1, -1));
        assertThat(value(PLAIN, "h1 k1 \"a\\nb\\n\"")).isEqualTo(new Value("h1", "k1", "a\nb\n", -1, -1));
        assertThat(value(PLAIN, "h1 k1 \"a\\tb\\x\"")).isEqualTo(new Value("h1", "k1", "a\\tb\\x", -1, -1));
        assertThat(value(PLAIN, "h1 k1 a\"b\\n")).isEqualTo(new Value("h1", "k1", "a\"b\\n", -1, -1));
        assertThat(value(PLAIN, "h1 k1 \"\"")).isEqualTo(new Value("h1", "k1", "", -1, -1));
        assertThat(value(PLAIN, "h1 k1 \"v1\"   ")).isEqualTo(new Value("h1", "k1", "v1", -1, -1));
    }

    @Test
    void dashHostIsTheDefaultHostEvenQuoted() {
        assertThat(value(PLAIN, "- k v").host()).isEqualTo("myhost");
        assertThat(value(PLAIN, "\"-\" k v").host()).isEqualTo("myhost");
        assertThat(malformed(NO_DEFAULT, "- k2 v2", 2).message())
                .isEqualTo("[line 2] '-' encountered as 'Hostname', but no default hostname was specified");
    }

    @Test
    void readsClockAndNsColumns() {
        assertThat(value(WITH_T, "h1 k1 1700000000 v1")).isEqualTo(new Value("h1", "k1", "v1", 1700000000, -1));
        assertThat(value(WITH_T, "h1 k2 0 v")).isEqualTo(new Value("h1", "k2", "v", 0, -1));
        assertThat(value(WITH_T, "h1 k1 2147483647 1 2")).isEqualTo(new Value("h1", "k1", "1 2", 2147483647, -1));
        assertThat(value(WITH_TN, "- k2 1700000001 999999999 \"x\""))
                .isEqualTo(new Value("myhost", "k2", "x", 1700000001, 999999999));
        assertThat(value(WITH_TN, "h1 k1 \"17\" 0005 v")).isEqualTo(new Value("h1", "k1", "v", 17, 5));
    }

    @Test
    void reportsMissingFieldsWithZabbixSendersMessagesAndLineNumbers() {
        assertThat(malformed(PLAIN, "h1 k2", 2)).isEqualTo(new Malformed(2, false, "[line 2] 'Key value' required"));
        assertThat(malformed(PLAIN, "h1 k1 ", 1).message()).isEqualTo("[line 1] 'Key value' required");
        assertThat(malformed(PLAIN, "h1", 2).message()).isEqualTo("[line 2] 'Key' required");
        assertThat(malformed(PLAIN, "", 2).message()).isEqualTo("[line 2] 'Hostname' required");
        assertThat(malformed(PLAIN, "   \t ", 7).message()).isEqualTo("[line 7] 'Hostname' required");
        assertThat(malformed(PLAIN, "\"\" k v", 1).message()).isEqualTo("[line 1] 'Hostname' required");
        assertThat(malformed(PLAIN, "h \"\" v", 1).message()).isEqualTo("[line 1] 'Key' required");
        assertThat(malformed(WITH_T, "h1 k1", 4).message()).isEqualTo("[line 4] 'Timestamp' required");
        assertThat(malformed(WITH_T, "h1 k1 17", 1).message()).isEqualTo("[line 1] 'Key value' required");
        assertThat(malformed(WITH_TN, "h1 k1 17", 1).message()).isEqualTo("[line 1] 'Nanoseconds' required");
    }

    @Test
    void reportsQuotingErrorsAsTheFieldBeingRequired() {
        assertThat(malformed(PLAIN, "h1 \"k1\"x v1", 1).message()).isEqualTo("[line 1] 'Key' required");
        assertThat(malformed(PLAIN, "\"h1 k1 v1", 1).message()).isEqualTo("[line 1] 'Hostname' required");
        assertThat(malformed(PLAIN, "h1 k1 \"unterminated", 1).message()).isEqualTo("[line 1] 'Key value' required");
        assertThat(malformed(PLAIN, "h1 k1 \"v1\" extra", 1).message()).isEqualTo("[line 1] too many parameters");
        assertThat(malformed(PLAIN, "h1 k1 \"v1\"x", 1).message()).isEqualTo("[line 1] 'Key value' required");
    }

    @Test
    void reportsInvalidNumbersAtWarningLevel() {
        assertThat(malformed(WITH_T, "h1 k1 v1", 1))
                .isEqualTo(new Malformed(1, true, "[line 1] invalid 'Timestamp' value detected"));
        assertThat(malformed(WITH_T, "h1 k1 2147483648 v", 3).message())
                .isEqualTo("[line 3] invalid 'Timestamp' value detected");
        assertThat(malformed(WITH_T, "h1 k1 -1 v", 1).warning()).isTrue();
        assertThat(malformed(WITH_TN, "h1 k1 17 1000000000 v", 1))
                .isEqualTo(new Malformed(1, true, "[line 1] invalid 'Nanoseconds' value detected"));
        assertThat(malformed(WITH_TN, "h1 k1 17 x v", 1).message())
                .isEqualTo("[line 1] invalid 'Nanoseconds' value detected");
        assertThat(malformed(WITH_TN, "h1 k1 17 -1 v", 1).warning()).isTrue();
    }

    @Test
    void reusesTheHostAndKeyTextsOfEarlierLinesButNeverConfusesThem() {
        ZabbixSenderInputParser parser = new ZabbixSenderInputParser("myhost", false, false);
        Value first = value(parser, "h1 k1 v1");
        Value second = value(parser, "h1  k1 v2");
        assertThat(second.host()).isSameAs(first.host());
        assertThat(second.key()).isSameAs(first.key());
        // "Aa" and "BB" have the same String hash, so they compete for one slot.
        assertThat(value(parser, "h1 Aa v")).isEqualTo(new Value("h1", "Aa", "v", -1, -1));
        assertThat(value(parser, "h1 BB v")).isEqualTo(new Value("h1", "BB", "v", -1, -1));
        assertThat(value(parser, "h1 Aa v").key()).isEqualTo("Aa");
        assertThat(value(parser, "h1 A v").key()).isEqualTo("A");
        assertThat(value(parser, "h1 \"k1\" v")).isEqualTo(new Value("h1", "k1", "v", -1, -1));
    }

    @Test
    void refusesNsWithoutTimestamps() {
        assertThatThrownBy(() -> new ZabbixSenderInputParser(null, false, true))
                .hasMessage("withNs: true without withTimestamps (expected: -N only with -T)");
    }
}
