/**
 * How every configuration value is written and read, once for the whole courier: sizes ({@link ByteSize}),
 * durations ({@link DurationSyntax}), peer addresses ({@link HostPort}), and the {@link Settings} reader through
 * which each plugin binds its own section. The app implements {@link Settings} over its YAML nodes, so a plugin
 * package states each key, range and default once and never sees YAML.
 *
 * <p>A value's text in the wrong form throws {@link InvalidValueException}, whose {@code expected()} is the
 * "expected" half of the problem the reader records.
 */
package dev.concierge.courier.core.settings;
