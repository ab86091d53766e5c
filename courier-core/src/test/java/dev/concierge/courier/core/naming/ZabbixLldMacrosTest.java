package dev.concierge.courier.core.naming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZabbixLldMacrosTest {

    @Test
    void aLabelsMacroIsItsNameUpperCasedWithZabbixsCharactersOnly() {
        assertThat(ZabbixLldMacros.ofLabel("cpu")).isEqualTo("{#CPU}");
        assertThat(ZabbixLldMacros.ofLabel("name")).isEqualTo("{#LABEL.NAME}");
        assertThat(ZabbixLldMacros.ofLabel("ünit-x")).isEqualTo("{#_NIT_X}");
    }

    @Test
    void aSeriesRowHasTheNameFirstThenOneMacroPerLabelInLabelOrder() {
        assertThat(ZabbixLldMacros.ofSeries("node_cpu_seconds_total", Labels.of("mode", "idle", "cpu", "0")))
                .containsExactly(
                        Map.entry("{#NAME}", "node_cpu_seconds_total"),
                        Map.entry("{#CPU}", "0"),
                        Map.entry("{#MODE}", "idle"));
    }

    @Test
    void labelsThatMapToOneMacroGetNumberedInLabelOrder() {
        assertThat(ZabbixLldMacros.ofSeries("container_up", Labels.of("name", "db", "Name", "x")))
                .containsExactly(
                        Map.entry("{#NAME}", "container_up"),
                        Map.entry("{#LABEL.NAME}", "x"),
                        Map.entry("{#LABEL.NAME_2}", "db"));
    }
}
