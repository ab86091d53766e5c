package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ZabbixResponseTest {

    private static ZabbixResponse parse(String json) {
        return ZabbixResponse.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheCountsOfASuccess() {
        ZabbixResponse r = parse(
                "{\"response\":\"success\",\"info\":\"processed: 2; failed: 0; total: 2; seconds spent: 0.000063\"}");

        assertThat(r.isSuccess()).isTrue();
        assertThat(r.counts()).isEqualTo(new ZabbixResponse.Counts(2, 0, 2, 0.000063));
    }

    @Test
    void readsFailedCountsAndToleratesSpacingAndExtraFields() {
        ZabbixResponse r = parse("{\"version\":\"7.0\",\"response\":\"success\",\"extra\":{\"a\":[1,2]},"
                + "\"info\":\"processed:6;failed: 1;  total:7; seconds spent:1.5e-05\"}");

        assertThat(r.counts()).isEqualTo(new ZabbixResponse.Counts(6, 1, 7, 1.5e-05));
    }

    @Test
    void keepsAnInfoWithoutCountsAsText() {
        ZabbixResponse r = parse("{\"response\":\"failed\",\"info\":\"cannot parse as a valid JSON object\"}");

        assertThat(r.isSuccess()).isFalse();
        assertThat(r.response()).isEqualTo("failed");
        assertThat(r.info()).isEqualTo("cannot parse as a valid JSON object");
        assertThat(r.counts()).isNull();
    }

    @Test
    void treatsGarbageOrOverflowingCountsAsNoCounts() {
        assertThat(parse("{\"response\":\"success\",\"info\":\"processed: x; failed: 0\"}").counts()).isNull();
        assertThat(parse("{\"response\":\"success\",\"info\":\"processed: 99999999999; failed: 0; total: 1;"
                + " seconds spent: 0.1\"}").counts()).isNull();
        assertThat(parse("{\"response\":\"success\",\"info\":7}").info()).isNull();
    }

    @Test
    void readsARedirectAsAFailureWithoutInfo() {
        ZabbixResponse r = parse("{\"response\":\"failed\",\"redirect\":{\"revision\":3,\"address\":\"p2:10051\"}}");

        assertThat(r.response()).isEqualTo("failed");
        assertThat(r.info()).isNull();
    }

    @Test
    void refusesAReplyThatIsNotAJsonObjectWithAResponse() {
        assertThatThrownBy(() -> parse("OK")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reply: \"OK\" (expected: JSON");
        assertThatThrownBy(() -> parse("[1]")).hasMessage("reply: \"[1]\" (expected: a JSON object)");
        assertThatThrownBy(() -> parse("{\"info\":\"x\"}"))
                .hasMessage("response: missing in \"{\"info\":\"x\"}\" (expected: \"success\" or \"failed\")");
        assertThatThrownBy(() -> parse("{\"response\":\"success\",\"info\":\"processed: 1"))
                .hasMessageStartingWith("reply: ");
    }

    @Test
    void writesTheAnswerAsTheServerFormatsIt() {
        assertThat(new String(ZabbixResponse.success(6, 1, 0.00005).toJson(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"response\":\"success\",\"info\":\"processed: 6; failed: 1; total: 7; seconds spent: 0.000050\"}");
        assertThat(new String(ZabbixResponse.failed("no").toJson(), StandardCharsets.UTF_8))
                .isEqualTo("{\"response\":\"failed\",\"info\":\"no\"}");
    }
}
