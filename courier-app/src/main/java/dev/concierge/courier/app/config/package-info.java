/**
 * Reading the courier's YAML configuration so that every mistake is reported at once, with the file, line
 * and column where it was written, and nothing starts until the whole configuration is usable.
 *
 * <p>{@link dev.concierge.courier.app.config.YamlConfigParser} turns a document into an immutable
 * {@link dev.concierge.courier.app.config.ConfigNode} tree, interpolating {@code ${VAR}},
 * {@code ${VAR:-default}} and {@code ${VAR:?message}} in scalar values. Each plugin binder then reads its
 * own section into one immutable record with the node's typed readers, which record problems in a shared
 * {@link dev.concierge.courier.app.config.ConfigProblems} instead of throwing. Whoever owns the whole load
 * calls {@code throwIfAny()} once, after every binder has run.
 *
 * <p>A binder for a sink, handed {@code sinks[0]}:
 * <pre>{@code
 * static ZabbixSinkConfig bind(ConfigNode sink, ConfigProblems problems) {
 *     int before = problems.count();
 *     sink.expectKeys(problems, "name", "type", "server", "host", "timeout", "psk");
 *     String name = sink.requiredString("name", problems);
 *     HostPort server = sink.requiredHostPort("server", 10051, problems);
 *     String host = sink.optionalString("host", name, problems);
 *     Duration timeout = sink.optionalDuration("timeout", ZabbixSinkConfig.DEFAULT_TIMEOUT, problems);
 *     Secret psk = sink.optionalSecret("psk", null, problems);
 *     if (problems.count() > before) {
 *         return null; // the problems say why; the record is never built from half-read values
 *     }
 *     return new ZabbixSinkConfig(name, server, host, timeout, psk);
 * }
 *
 * ConfigProblems problems = new ConfigProblems();
 * ConfigNode root = new YamlConfigParser().parse(Path.of("courier.yaml"), problems);
 * root.expectKeys(problems, "sinks", "sources", "admin");
 * List<ZabbixSinkConfig> sinks = new ArrayList<>();
 * for (ConfigNode sink : root.requiredList("sinks", problems)) {
 *     sinks.add(bind(sink, problems));
 * }
 * problems.throwIfAny(); // every problem in every section, one per line, in file order
 * }</pre>
 * which, for a configuration with mistakes, fails with lines such as
 * <pre>
 * courier.yaml:5:13: sinks[0].server: "zabbix.example.com:100051" (expected: a port from 1 to 65535)
 * courier.yaml:8:5: sinks[0].servr: unknown key (expected: one of name, type, server, host, timeout, psk)
 * </pre>
 *
 * <p>Local conventions:
 * <ul>
 *   <li>Keys are snake_case; durations carry a unit ({@code 10s}), sizes too ({@code 64MiB}; {@code MB} is
 *       10<sup>6</sup> bytes and {@code MiB} 2<sup>20</sup>, see {@link dev.concierge.courier.core.settings.ByteSize}).
 *       Bare numbers are refused for both, so no one has to guess the unit.</li>
 *   <li>Every problem reads {@code <file>:<line>:<column>: <path>: <found> (expected: <allowed>)}. A missing key
 *       is reported at its mapping, an unknown or duplicate key at the key, a bad value at the value.</li>
 *   <li>Tokens, pre-shared keys and passwords are read as {@link dev.concierge.courier.core.spi.Secret},
 *       whose {@code toString()} masks them, and problems never quote them.</li>
 *   <li>The parser and nodes are thread-safe; a {@code ConfigProblems} belongs to one load on one thread.</li>
 * </ul>
 */
package dev.concierge.courier.app.config;
