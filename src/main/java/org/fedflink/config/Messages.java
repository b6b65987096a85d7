package org.fedflink.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Builds the one-line messages of {@link JobSpecException}. */
final class Messages {
    private static final int MAX_VALUE_LENGTH = 80;

    private Messages() {}

    /** Makes user text safe for a one-line message: escapes line breaks and tabs, shortens long text. */
    static String clean(String text) {
        String escaped = escape(text);
        return escaped.length() <= MAX_VALUE_LENGTH ? escaped : escaped.substring(0, MAX_VALUE_LENGTH) + "...";
    }

    /** Escapes line breaks and tabs and blanks out other control characters, keeping the full text. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return out.toString();
    }

    /** Collapses all whitespace, including line breaks, to single spaces. */
    static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** A value as written: strings in single quotes, numbers and booleans bare, sections and lists by kind. */
    static String describe(SpecNode node) {
        if (node instanceof SpecNode.Section) {
            return "a section";
        }
        if (node instanceof SpecNode.Sequence) {
            return "a list";
        }
        SpecNode.Scalar scalar = (SpecNode.Scalar) node;
        return switch (scalar.kind()) {
            case STRING -> "'" + clean(scalar.text()) + "'";
            case NULL -> "null";
            default -> clean(scalar.text());
        };
    }

    static String key(String path) {
        return "'" + clean(path) + "'";
    }

    static String child(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** {@code unknown key 'rounds.x' (allowed in rounds: a, b)} for a key that is not a component of {@code section}. */
    static JobSpecException unknownKey(String prefix, String name, Class<? extends Record> section) {
        String allowed = Arrays.stream(section.getRecordComponents())
                .map(c -> c.getName())
                .collect(Collectors.joining(", "));
        String where = prefix.isEmpty() ? "at top level" : "in " + prefix;
        return new JobSpecException(
                "unknown key " + key(child(prefix, name)) + " (allowed " + where + ": " + allowed + ")");
    }

    /** {@code key 'k' must be <what>, got <value>}. */
    static JobSpecException mustBe(String path, String what, String got) {
        return new JobSpecException("key " + key(path) + " must be " + what + ", got " + got);
    }

    static JobSpecException missing(String path) {
        return new JobSpecException("missing required key " + key(path));
    }

    /** The YAML spelling of an enum constant: lower case, {@code _} written {@code -} ({@code inverse-sqrt}). */
    static String yamlName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code one of: a, b} for an enum type. */
    static String oneOf(Class<?> enumType) {
        return "one of: " + Arrays.stream(enumType.getEnumConstants())
                .map(c -> yamlName((Enum<?>) c))
                .collect(Collectors.joining(", "));
    }
}
