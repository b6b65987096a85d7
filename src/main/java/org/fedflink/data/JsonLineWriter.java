package org.fedflink.data;

/**
 * Writes an {@link Example} as one JSON line in the format {@link JsonLineParser} reads:
 * {@code {"source":"s1","time":1700000000000,"label":2,"features":[0.1,...]}} or, for sparse
 * examples, {@code "indices":[...],"values":[...]} instead of {@code features}.
 *
 * <p>{@code time} is omitted when the timestamp is {@link Long#MIN_VALUE} ("no timestamp"). Feature
 * values are written with {@link Float#toString(float)}, which round-trips exactly through the
 * parser; integral labels are written without a fraction ({@code 2}, not {@code 2.0}).
 */
public final class JsonLineWriter {

    private JsonLineWriter() {}

    /**
     * @throws IllegalArgumentException if the example has a null source or values, or a non-finite
     *     label or value (JSON has no token for them; such an example is invalid anyway)
     */
    public static String toJson(Example example) {
        StringBuilder sb = new StringBuilder(32 + 12 * example.values().length);
        append(sb, example);
        return sb.toString();
    }

    /** Appends the JSON line of {@code example} (without a line terminator) to {@code sb}. */
    public static StringBuilder append(StringBuilder sb, Example example) {
        if (example.source() == null) {
            throw new IllegalArgumentException("example has no source");
        }
        if (example.values() == null) {
            throw new IllegalArgumentException("example has no feature values");
        }
        if (!Double.isFinite(example.label())) {
            throw new IllegalArgumentException("label is not a finite number: " + example.label());
        }
        sb.append("{\"source\":");
        appendString(sb, example.source());
        if (example.timestamp() != Long.MIN_VALUE) {
            sb.append(",\"time\":").append(example.timestamp());
        }
        sb.append(",\"label\":");
        appendNumber(sb, example.label());
        float[] values = example.values();
        if (example.isDense()) {
            sb.append(",\"features\":");
            appendValues(sb, values);
        } else {
            int[] indices = example.indices();
            sb.append(",\"indices\":[");
            for (int i = 0; i < indices.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(indices[i]);
            }
            sb.append("],\"values\":");
            appendValues(sb, values);
        }
        return sb.append('}');
    }

    private static void appendValues(StringBuilder sb, float[] values) {
        sb.append('[');
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("feature value " + i + " is not a finite number: " + v);
            }
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v);
        }
        sb.append(']');
    }

    /** A finite double as a JSON number; integral values of moderate size without a fraction. */
    static void appendNumber(StringBuilder sb, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }

    /** A JSON string literal with the mandatory escapes. */
    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
