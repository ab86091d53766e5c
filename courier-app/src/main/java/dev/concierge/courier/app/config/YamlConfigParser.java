package dev.concierge.courier.app.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one YAML document into a {@link ConfigNode} tree, using SnakeYAML's composer so that every node
 * keeps its line and column, and interpolating environment references in scalar values (never in keys;
 * see {@link EnvInterpolator} for the forms).
 *
 * <p>What the tree reports as problems, so that a whole document is checked in one pass: duplicate keys
 * (the first one is kept), keys that are not scalars, recursive aliases, malformed merge keys and
 * environment references that cannot be resolved. Anchors, aliases and merge keys ({@code <<: *base},
 * explicit keys win, then earlier merged mappings) are accepted. Tags are ignored: every scalar is text
 * for the typed readers to interpret.
 *
 * <p>A document that is not YAML at all has no tree: its syntax error is added to the problems and
 * {@link ConfigException} is thrown at once with everything collected so far.
 *
 * <p>Thread-safe; each call uses its own SnakeYAML instance.
 */
public final class YamlConfigParser {
    private final EnvInterpolator interpolator;

    /** A parser that interpolates from {@link System#getenv()}. */
    public YamlConfigParser() {
        this(System.getenv());
    }

    /** A parser that interpolates from {@code environment}, which is copied. */
    public YamlConfigParser(Map<String, String> environment) {
        this.interpolator = new EnvInterpolator(environment);
    }

    /** Parses a UTF-8 file; the source name in positions is the path as given. */
    public ConfigNode parse(Path file, ConfigProblems problems) throws ConfigException {
        String source = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(source, reader, problems);
        } catch (IOException e) {
            problems.add(SourcePosition.unknown(source), "", "cannot be read: " + e, "a readable UTF-8 YAML file");
            problems.throwIfAny();
            throw new AssertionError("unreachable: a problem was just added");
        }
    }

    /** Parses YAML text; {@code source} names it in positions. */
    public ConfigNode parse(String source, String yaml, ConfigProblems problems) throws ConfigException {
        return parse(source, new StringReader(yaml), problems);
    }

    /**
     * Parses YAML from {@code reader}, which the caller owns and closes; {@code source} names it in positions.
     *
     * @return the document's root; an empty mapping for an empty document
     * @throws ConfigException if the text is not a single well-formed YAML document
     */
    public ConfigNode parse(String source, Reader reader, ConfigProblems problems) throws ConfigException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(problems, "problems");
        Node root;
        try {
            // Default loader limits stay on: 50 aliases per collection, 50 levels of nesting, 3 MB.
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            problems.add(positionOf(source, e.getProblemMark()), "", syntaxError(e), "well-formed YAML");
            problems.throwIfAny();
            throw new AssertionError("unreachable: a problem was just added");
        } catch (YAMLException e) {
            problems.add(SourcePosition.unknown(source), "", "invalid YAML: " + e.getMessage(), "well-formed YAML");
            problems.throwIfAny();
            throw new AssertionError("unreachable: a problem was just added");
        }
        if (root == null) {
            return ConfigNode.mapping("", SourcePosition.of(source, 1, 1), Map.of());
        }
        return new TreeBuilder(source, problems).build(root, "");
    }

    private static String syntaxError(MarkedYAMLException e) {
        String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
        StringBuilder sb = new StringBuilder("invalid YAML: ").append(problem.strip());
        if (e.getContext() != null) {
            sb.append(", ").append(e.getContext().strip());
            Mark contextMark = e.getContextMark();
            if (contextMark != null) {
                sb.append(" at line ").append(contextMark.getLine() + 1)
                        .append(" column ").append(contextMark.getColumn() + 1);
            }
        }
        return sb.toString();
    }

    private static SourcePosition positionOf(String source, Mark mark) {
        // SnakeYAML counts from 0; editors and compilers count from 1.
        return mark == null ? SourcePosition.unknown(source)
                : SourcePosition.of(source, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** Converts one composed document; not reusable. */
    private final class TreeBuilder {
        private final String source;
        private final ConfigProblems problems;
        private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

        TreeBuilder(String source, ConfigProblems problems) {
            this.source = source;
            this.problems = problems;
        }

        ConfigNode build(Node node, String path) {
            SourcePosition position = positionOf(source, node.getStartMark());
            if (!inProgress.add(node)) {
                problems.add(position, path, "an alias that contains itself",
                        "an alias to a node that does not include the alias");
                return ConfigNode.nullScalar(path, position);
            }
            try {
                if (node instanceof ScalarNode scalar) {
                    return scalar(scalar, path, position);
                } else if (node instanceof SequenceNode sequence) {
                    List<ConfigNode> elements = new ArrayList<>(sequence.getValue().size());
                    for (Node element : sequence.getValue()) {
                        elements.add(build(element, ConfigNode.elementPath(path, elements.size())));
                    }
                    return ConfigNode.list(path, position, elements);
                } else {
                    return mapping((MappingNode) node, path, position);
                }
            } finally {
                inProgress.remove(node);
            }
        }

        private ConfigNode scalar(ScalarNode scalar, String path, SourcePosition position) {
            if (Tag.NULL.equals(scalar.getTag())) {
                return ConfigNode.nullScalar(path, position);
            }
            String text = interpolator.interpolate(scalar.getValue(),
                    (found, expected) -> problems.add(position, path, found, expected));
            return ConfigNode.scalar(path, position, text);
        }

        private ConfigNode mapping(MappingNode mapping, String path, SourcePosition position) {
            Map<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
            List<ConfigNode> merged = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                SourcePosition keyPosition = positionOf(source, keyNode.getStartMark());
                if (!(keyNode instanceof ScalarNode key)) {
                    problems.add(keyPosition, path, (keyNode instanceof MappingNode ? "a mapping" : "a list")
                            + " used as a key", "a plain key such as name");
                    continue;
                }
                if (Tag.MERGE.equals(key.getTag())) {
                    merged.addAll(mergeSources(tuple.getValueNode(), path));
                    continue;
                }
                String name = key.getValue();
                String childPath = ConfigNode.childPath(path, name);
                ConfigNode.Entry first = entries.get(name);
                if (first != null) {
                    problems.add(keyPosition, childPath, "duplicate key, first written at line "
                            + first.keyPosition().line() + " column " + first.keyPosition().column(),
                            "each key once per mapping");
                    continue;
                }
                entries.put(name, new ConfigNode.Entry(keyPosition, build(tuple.getValueNode(), childPath)));
            }
            for (ConfigNode base : merged) {
                for (String name : base.keys()) {
                    entries.putIfAbsent(name, new ConfigNode.Entry(base.keyPosition(name),
                            base.child(name).orElseThrow()));
                }
            }
            return ConfigNode.mapping(path, position, entries);
        }

        /** The mappings a merge key brings in, built under {@code path} because their keys become ours. */
        private List<ConfigNode> mergeSources(Node value, String path) {
            List<Node> candidates = value instanceof SequenceNode sequence ? sequence.getValue() : List.of(value);
            List<ConfigNode> sources = new ArrayList<>(candidates.size());
            for (Node candidate : candidates) {
                if (candidate instanceof MappingNode) {
                    sources.add(build(candidate, path));
                } else {
                    problems.add(positionOf(source, candidate.getStartMark()), path,
                            "a merge key with " + (candidate instanceof ScalarNode ? "a scalar" : "a nested list"),
                            "<< followed by a mapping or a list of mappings, usually aliases such as *defaults");
                }
            }
            return sources;
        }
    }
}
