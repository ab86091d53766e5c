package dev.concierge.courier.sources.dropwizard;

import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.SourceContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The source contract for a Dropwizard document written by the real Dropwizard Metrics serializer. */
class DropwizardSourceContractTest extends SourceContractTest {
    @TempDir
    Path dir;

    @Override
    protected Source createSource(String name) throws Exception {
        Path file = Files.write(dir.resolve(name + ".json"), RegistryDocuments.write(RegistryDocuments.everyType()));
        return DropwizardJsonSource.create(DropwizardConfig.ofFile(name, file));
    }

    @Override
    protected Source createSourceOfMissingPeer(String name) {
        return DropwizardJsonSource.create(DropwizardConfig.ofFile(name, dir.resolve("absent.json")));
    }
}
