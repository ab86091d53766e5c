package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The training send that {@code bin/courier} runs to write the class-data archive of {@code send}. */
class SendTrainingTest {

    @Test
    void sendsEveryValueToItsOwnTrapperAndPrintsNothing() throws Exception {
        CommandOutput output = CommandOutput.run("send", "--cds-training");

        assertThat(output.exitCode()).isZero();
        assertThat(output.out()).isEmpty();
        assertThat(output.err()).isEmpty();
    }
}
