package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.wiring.PluginCatalog;
import dev.concierge.courier.app.wiring.SampleConfiguration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code courier config sample [TYPE]}: prints the samples the plugins document, all of them as one configuration
 * that {@code courier check} accepts, or one type's entry under its list key. An unknown type is a usage error
 * (exit code 2) that names the known ones.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Prints a configuration with every source and sink type, keys documented; or TYPE's entry.")
public final class ConfigSampleCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "TYPE", description = "a source or sink type, such as zabbix")
    String type;

    @Spec
    CommandSpec spec;

    // The types found on the class path; tests give others.
    PluginCatalog catalog;

    @Override
    public Integer call() {
        SampleConfiguration samples = new SampleConfiguration(catalog != null ? catalog : PluginCatalog.load());
        if (type == null) {
            System.out.print(samples.complete());
            return 0;
        }
        String sample = samples.ofType(type).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "Unknown type: " + type + " (expected: one of " + String.join(", ", samples.types()) + ")"));
        System.out.print(sample);
        return 0;
    }
}
