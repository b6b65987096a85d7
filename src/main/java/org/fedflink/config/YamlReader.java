package org.fedflink.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigInteger;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a {@link SpecNode} tree with Jackson's YAML streaming parser, keeping every
 * scalar's text as written. Rejects duplicate keys, aliases and multi-document files, and turns
 * YAML syntax errors into one-line messages.
 */
final class YamlReader {
    // Not YAMLFactory.builder(): in 2.18 it drops the default parser features (EMPTY_STRING_AS_NULL).
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private static final Pattern FLOAT =
            Pattern.compile("[-+]?(?:[0-9][0-9_]*(?:\\.[0-9_]*)?|\\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern INFINITY = Pattern.compile("([-+]?)\\.(?:inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(?:nan|NaN|NAN)");

    private YamlReader() {}

    /**
     * Reads a whole document.
     *
     * @param source how messages name the document, e.g. {@code job spec 'x.yaml'}
     * @return the root node, or null for an empty document
     */
    static SpecNode read(String text, String source) throws JobSpecException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            SpecNode root = readValue(parser, token, "");
            if (parser.nextToken() != null) {
                throw new JobSpecException(source + " must hold one YAML document, found more than one");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(e, source);
        } catch (IOException e) {
            throw new JobSpecException("cannot read " + source + ": " + Messages.clean(String.valueOf(e.getMessage())));
        }
    }

    /**
     * Reads the value of a {@code --set key=value} override as a YAML scalar. Text that is not a
     * single YAML scalar (empty but not blank, a mapping, a list, invalid YAML) is taken literally as
     * a string.
     */
    static SpecNode.Scalar readScalar(String value) {
        try (JsonParser parser = FACTORY.createParser(value)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return value.isBlank() ? SpecNode.Scalar.NULL : SpecNode.Scalar.string(value);
            }
            if (!token.isScalarValue() || isAlias(parser)) {
                return SpecNode.Scalar.string(value);
            }
            SpecNode.Scalar scalar = scalar(parser, token);
            return parser.nextToken() == null ? scalar : SpecNode.Scalar.string(value);
        } catch (IOException e) {
            return SpecNode.Scalar.string(value);
        }
    }

    private static SpecNode readValue(JsonParser parser, JsonToken token, String path)
            throws IOException, JobSpecException {
        if (token == JsonToken.START_OBJECT) {
            SpecNode.Section section = new SpecNode.Section();
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                String name = parser.currentName();
                String child = Messages.child(path, name);
                if (section.entries().containsKey(name)) {
                    throw new JobSpecException("duplicate key " + Messages.key(child));
                }
                section.entries().put(name, readValue(parser, parser.nextToken(), child));
            }
            return section;
        }
        if (token == JsonToken.START_ARRAY) {
            java.util.List<SpecNode> elements = new java.util.ArrayList<>();
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                elements.add(readValue(parser, t, path + "[" + elements.size() + "]"));
            }
            return new SpecNode.Sequence(java.util.List.copyOf(elements));
        }
        if (isAlias(parser)) {
            throw new JobSpecException("key " + Messages.key(path) + " uses the YAML alias '*"
                    + Messages.clean(parser.getText()) + "', aliases are not supported in job specs");
        }
        return scalar(parser, token);
    }

    private static boolean isAlias(JsonParser parser) {
        return parser instanceof YAMLParser yaml && yaml.isCurrentAlias();
    }

    private static SpecNode.Scalar scalar(JsonParser parser, JsonToken token) throws IOException {
        String text = parser.getText();
        switch (token) {
            case VALUE_NULL:
                return SpecNode.Scalar.NULL;
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new SpecNode.Scalar(SpecNode.Kind.BOOLEAN, text, null, null);
            case VALUE_NUMBER_INT:
                try {
                    return new SpecNode.Scalar(SpecNode.Kind.INTEGER, text, parser.getBigIntegerValue(), null);
                } catch (IOException | RuntimeException e) {
                    return SpecNode.Scalar.string(text);
                }
            case VALUE_NUMBER_FLOAT:
                Double value = parseDouble(text);
                return value == null
                        ? SpecNode.Scalar.string(text)
                        : new SpecNode.Scalar(SpecNode.Kind.FLOAT, text, null, value);
            default:
                return SpecNode.Scalar.string(text == null ? "" : text);
        }
    }

    /** Parses a YAML integer written in decimal (underscores allowed), or null. */
    static BigInteger parseInteger(String text) {
        return INTEGER.matcher(text).matches() ? new BigInteger(text.replace("_", "")) : null;
    }

    /** Parses a YAML float ({@code 1.5}, {@code 1e-8}, {@code 1_000.5}, {@code .inf}, {@code .nan}), or null. */
    static Double parseDouble(String text) {
        if (FLOAT.matcher(text).matches()) {
            return Double.parseDouble(text.replace("_", ""));
        }
        var infinity = INFINITY.matcher(text);
        if (infinity.matches()) {
            return infinity.group(1).equals("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return NAN.matcher(text).matches() ? Double.NaN : null;
    }

    private static JobSpecException syntaxError(JsonProcessingException e, String source) {
        String reason;
        int line;
        if (e.getCause() instanceof MarkedYAMLException marked) {
            reason = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            line = mark != null ? mark.getLine() + 1 : lineOf(e);
        } else {
            reason = e.getOriginalMessage();
            line = lineOf(e);
        }
        return new JobSpecException(source + " is not valid YAML: " + shortReason(reason)
                + (line > 0 ? " (line " + line + ")" : ""));
    }

    private static int lineOf(JsonProcessingException e) {
        return e.getLocation() != null ? e.getLocation().getLineNr() : -1;
    }

    private static String shortReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "syntax error";
        }
        if (reason.startsWith("Expected a field name")) {
            return "keys must be plain scalars, not lists or mappings";
        }
        if (reason.startsWith("expected <block end>")) {
            return "bad indentation";
        }
        String firstLine = reason.strip().lines().findFirst().orElse("syntax error");
        // Parser internals (event classes) mean nothing to a user.
        int internal = firstLine.indexOf(": <org.");
        if (internal >= 0) {
            firstLine = firstLine.substring(0, internal);
        }
        return Messages.oneLine(firstLine.replace("\\t(TAB)", "TAB"));
    }
}
