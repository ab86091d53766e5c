package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import dev.concierge.courier.core.spi.LldJson;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.SourceException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The discovery path runs as a Zabbix UserParameter on a cold JVM, so it must stay light: this runs it in
 * a class loader that holds only this module's classes, courier-core's and jackson-core, with no SLF4J
 * at all, and checks what it loaded.
 */
class DiscoveryClassLoadingTest {

    @Test
    void discoveryLoadsNeitherLoggingNorSampleParsingNorFetching() throws Exception {
        byte[] document = DropwizardJsonParserTest.resource("protocols-example.json");
        try (InspectableLoader loader = new InspectableLoader(location(DropwizardDiscovery.class),
                location(SourceException.class), location(JsonFactory.class))) {
            Class<?> namesClass = loader.loadClass(DropwizardMetricNames.class.getName());
            Class<?> discoveryClass = loader.loadClass(DropwizardDiscovery.class.getName());
            Class<?> rowsClass = loader.loadClass(LldRows.class.getName());
            Class<?> jsonClass = loader.loadClass(LldJson.class.getName());
            Class<?> formatClass = loader.loadClass(LldJson.Format.class.getName());

            Object names = namesClass.getMethod("read", InputStream.class, String.class)
                    .invoke(null, new ByteArrayInputStream(document), "stdin");
            Object rows = rowsClass.getMethod("rows").invoke(discoveryClass.getMethod("rows", namesClass).invoke(null, names));
            Method write = jsonClass.getMethod("write", List.class, formatClass, OutputStream.class);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Object> macros = new ArrayList<>();
            for (Object row : (List<?>) rows) {
                macros.add(row.getClass().getMethod("macros").invoke(row));
            }
            write.invoke(null, macros, formatClass.getEnumConstants()[0], out);

            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("[{\"{#TYPE}\":\"counter\"");
            assertThat(loader.loaded(DropwizardJsonParser.class.getName())).isFalse();
            assertThat(loader.loaded("dev.concierge.courier.core.model.Sample")).isFalse();
            assertThat(loader.loaded("dev.concierge.courier.sources.fetch.HttpFetcher")).isFalse();
        }
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** Loads from its own URLs first, so classes are not shared with the test's loader. */
    private static final class InspectableLoader extends URLClassLoader {
        InspectableLoader(URL... urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }
}
