package org.fedflink.config;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The untyped tree of a job spec as read from YAML, before binding: sections (mappings), scalars
 * (which keep the text exactly as written, for error messages) and lists.
 */
sealed interface SpecNode permits SpecNode.Section, SpecNode.Scalar, SpecNode.Sequence {

    /** A YAML mapping; keys keep their document order. Mutable so that {@code --set} can edit it. */
    final class Section implements SpecNode {
        private final Map<String, SpecNode> entries = new LinkedHashMap<>();

        Map<String, SpecNode> entries() {
            return entries;
        }
    }

    /** What YAML resolved a scalar to. */
    enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    /**
     * A YAML scalar.
     *
     * @param kind what YAML resolved it to
     * @param text the text as written (without quotes)
     * @param integer the value for {@link Kind#INTEGER} (YAML hex and octal already resolved), else null
     * @param number the value for {@link Kind#FLOAT}, else null
     */
    record Scalar(Kind kind, String text, BigInteger integer, Double number) implements SpecNode {
        static final Scalar NULL = new Scalar(Kind.NULL, "null", null, null);

        static Scalar string(String text) {
            return new Scalar(Kind.STRING, text, null, null);
        }

        boolean isNull() {
            return kind == Kind.NULL;
        }
    }

    /** A YAML sequence, such as the hidden layer sizes {@code [256, 128]}. */
    record Sequence(java.util.List<SpecNode> elements) implements SpecNode {}

    /** Whether the node is absent or an explicit YAML null (both mean "use the default"). */
    static boolean isAbsent(SpecNode node) {
        return node == null || (node instanceof Scalar s && s.isNull());
    }
}
