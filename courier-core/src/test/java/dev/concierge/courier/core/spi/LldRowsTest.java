package dev.concierge.courier.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LldRowsTest {

    @Test
    void aRowKeepsItsMacrosInOrderAndIsNotChangedByItsSource() {
        Map<String, String> macros = new LinkedHashMap<>();
        macros.put("{#TYPE}", "timer");
        macros.put("{#NAME}", "db.query");
        LldRow row = new LldRow("timers", macros);

        macros.put("{#EXTRA}", "x");

        assertThat(row.macros().keySet()).containsExactly("{#TYPE}", "{#NAME}");
        assertThatThrownBy(() -> row.macros().put("{#X}", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesAMissingMacroValue() {
        Map<String, String> macros = new HashMap<>();
        macros.put("{#NAME}", null);

        assertThatThrownBy(() -> new LldRow("g", macros)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("{#NAME}");
    }

    @Test
    void selectsByAPredicateOnRowsKeepingTheirOrder() {
        LldRow web1 = new LldRow("web", Map.of("{#INSTANCE}", "web-1"));
        LldRow mail = new LldRow("mail", Map.of("{#INSTANCE}", "mail-1"));
        LldRow web2 = new LldRow("web", Map.of("{#INSTANCE}", "web-2"));
        LldRows rows = LldRows.complete(List.of(web1, mail, web2));

        assertThat(rows.select(LldRow.inGroups(List.of("web")))).containsExactly(web1, web2);
        assertThat(rows.select(LldRow.inGroups(List.of()))).containsExactly(web1, mail, web2);
        assertThat(rows.incomplete()).isNull();
        assertThat(rows.groups()).isEmpty();
    }

    @Test
    void anIncompleteListHasNoRowsAndSaysWhy() {
        LldRows rows = LldRows.incomplete("3 malformed lines");

        assertThat(rows.rows()).isEmpty();
        assertThat(rows.incomplete()).isEqualTo("3 malformed lines");
    }

    @Test
    void rowsByGroupKeepTheGroupsInTheOrderGiven() {
        Map<String, Boolean> groups = new LinkedHashMap<>();
        groups.put("web", true);
        groups.put("billing", false);

        assertThat(LldRows.byGroup(groups, List.of()).groups().keySet()).containsExactly("web", "billing");
    }
}
