package dev.zentinel.proxy.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one YAML document into {@link YamlNode}s with their locations, using Jackson's streaming
 * YAML parser. Duplicate keys are reported (YAML forbids them; a silent "last one wins" would
 * hide mistakes). Syntax errors become a single problem at the parser's location.
 */
final class YamlTreeReader {

    /** Deeper nesting than any valid config has; stops pathological input early. */
    private static final int MAX_DEPTH = 32;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final Problems problems;
    /** Set when a value could not be represented; binding such a tree would report follow-on noise. */
    private boolean unusable;

    YamlTreeReader(Problems problems) {
        this.problems = problems;
    }

    /** @return the document's root, or null when it could not be read (the problem is recorded) */
    YamlNode read(String yaml) {
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(new YamlNode.Location(1, 1), "", "the configuration is empty");
                return null;
            }
            YamlNode root = readValue(parser, 0);
            if (root != null && parser.nextToken() != null) {
                problems.add(location(parser.currentTokenLocation()), "",
                        "only one YAML document is allowed (remove the extra '---' section)");
            }
            return unusable ? null : root;
        } catch (JsonProcessingException e) {
            reportSyntaxError(e);
            return null;
        } catch (IOException e) {
            problems.add(YamlNode.Location.UNKNOWN, "", "cannot read: " + e);
            return null;
        }
    }

    private YamlNode readValue(JsonParser parser, int depth) throws IOException {
        YamlNode.Location at = location(parser.currentTokenLocation());
        if (depth > MAX_DEPTH) {
            problems.add(at, "", "nested deeper than " + MAX_DEPTH + " levels");
            unusable = true;
            parser.skipChildren();
            return null;
        }
        JsonToken token = parser.currentToken();
        if (parser instanceof YAMLParser && ((YAMLParser) parser).isCurrentAlias()) {
            // Jackson's streaming parser hands an alias over as the plain string of its name.
            problems.add(at, "", "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
            unusable = true;
            return null;
        }
        switch (token) {
            case START_OBJECT: {
                YamlNode.Mapping mapping = new YamlNode.Mapping(at);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    YamlNode.Location keyAt = location(parser.currentTokenLocation());
                    parser.nextToken();
                    YamlNode value = readValue(parser, depth + 1);
                    if (!mapping.put(new YamlNode.Entry(key, keyAt, value))) {
                        problems.add(keyAt, "", "duplicate key '" + key + "'");
                    }
                }
                return mapping;
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(parser, depth + 1));
                }
                return new YamlNode.Sequence(at, items);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(at, YamlNode.Scalar.Type.STRING, parser.getText());
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(at, YamlNode.Scalar.Type.INTEGER, parser.getText());
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(at, YamlNode.Scalar.Type.FLOAT, parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.Scalar(at, YamlNode.Scalar.Type.BOOLEAN, parser.getText());
            case VALUE_NULL:
                return new YamlNode.Scalar(at, YamlNode.Scalar.Type.NULL, null);
            default:
                // Binary or embedded objects: not produced for text YAML, but never guess.
                problems.add(at, "", "unsupported YAML value (" + token + ")");
                unusable = true;
                parser.skipChildren();
                return null;
        }
    }

    static YamlNode.Location location(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return YamlNode.Location.UNKNOWN;
        }
        return new YamlNode.Location(location.getLineNr(), Math.max(1, location.getColumnNr()));
    }

    /**
     * Reports a syntax error where SnakeYAML found the problem (its "problem mark"); Jackson's
     * own location is the surrounding context, often the line before.
     */
    private void reportSyntaxError(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException) {
                MarkedYAMLException marked = (MarkedYAMLException) t;
                Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
                YamlNode.Location at = mark == null
                        ? location(e.getLocation())
                        : new YamlNode.Location(mark.getLine() + 1, mark.getColumn() + 1);
                String what = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
                String context = marked.getContext() != null && marked.getProblem() != null ? marked.getContext() + ": " : "";
                problems.add(at, "", "invalid YAML: " + context + (what == null ? "syntax error" : firstLine(what)));
                return;
            }
        }
        String message = e.getOriginalMessage();
        problems.add(location(e.getLocation()), "", "invalid YAML: " + (message == null ? "syntax error" : firstLine(message)));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
