package org.fedflink.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Parses one JSON object per row (the rules are in {@link RowParsers}). Fields, in any order, named
 * by the {@link FormatOptions}:
 *
 * <ul>
 *   <li>source — a non-blank string, or an integer (kept as written: {@code 42} is the source
 *       {@code "42"}, so numeric user ids work); required when {@code sourceField} is set (rows to
 *       score: optional, {@code null} is the same as absent);
 *   <li>time — optional, an integer (epoch milliseconds);
 *   <li>label — required, a finite number; with a label map, a string or number whose text is
 *       looked up in the map (rows to score, {@link FormatOptions#scoring()}: optional, and
 *       {@code null} is the same as absent; a row without a label has label NaN);
 *   <li>exactly one of: features (array of finite numbers, exactly {@code features} of them), or
 *       indices (strictly increasing integers in {@code [0, features)}) with values (finite numbers,
 *       as many), or text (a string, hashed with {@link FeatureHasher}; needs hashing configured).
 * </ul>
 *
 * <p>Unknown keys ({@link FormatOptions#unknownFields()}) are skipped, their values still having to
 * be valid JSON, and counted in {@link #unknownFields()}; or they make the row invalid. Duplicate
 * keys are detected with a bit set over the known fields (allocation-free; a repeated unknown key
 * is not a duplicate of anything the job reads). Jackson's defaults are kept otherwise, so
 * {@code NaN}/{@code Infinity} tokens, leading zeros, comments and single quotes are rejected. Uses
 * Jackson's streaming parser (no tree) over one shared {@link JsonFactory}.
 *
 * <p>With unknown keys rejected {@link #parseChars} is stateless and thread-safe (only
 * {@link #parse(byte[], int, int)} uses the scratch buffers of {@link AbstractRowParser});
 * {@link JsonLineParser} relies on that. With unknown keys ignored it counts them: one parser per
 * thread.
 */
final class JsonRowParser extends AbstractRowParser {

    private static final long serialVersionUID = 1L;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final int SOURCE = 1;
    private static final int TIME = 2;
    private static final int LABEL = 4;
    private static final int FEATURES = 8;
    private static final int INDICES = 16;
    private static final int VALUES = 32;
    private static final int TEXT = 64;

    // parse context, for naming where a low-level JSON error happened
    private static final int CTX_OBJECT = 0;
    private static final int CTX_SOURCE = 1;
    private static final int CTX_TIME = 2;
    private static final int CTX_LABEL = 3;
    private static final int CTX_FEATURES = 4;
    private static final int CTX_INDICES = 5;
    private static final int CTX_VALUES = 6;
    private static final int CTX_TEXT = 7;
    private static final int CTX_TRAILING = 8;

    /** Initial capacity of the growable array buffers (typical sparse rows fit without growing). */
    private static final int INITIAL_CAPACITY = 32;

    /** Dense arrays of up to this many values are allocated at their declared size at once. */
    private static final int MAX_UPFRONT = 1 << 16;

    private final String sourceField;
    private final String timeField;
    private final String labelField;
    private final String featuresField;
    private final String indicesField;
    private final String valuesField;
    private final String textField;
    /** The declared dimension; 0 = not checked (the legacy {@link JsonLineParser}). */
    private final int features;
    private final Map<String, Double> labelMap;
    private final FeatureHasher hasher;
    /** {@code valuesField + "["}, made once: element names are built only for a reason. */
    private final String valuesPrefix;
    /** Rows to score: label and source optional. */
    private final boolean scoring;
    /** Unknown keys make the row invalid, rather than being skipped and counted. */
    private final boolean rejectUnknown;

    JsonRowParser(FormatOptions options) {
        this(options.sourceField(), options.timeField(), options.labelField(), options.featuresField(),
                options.indicesField(), options.valuesField(), options.textField(), options.features(),
                options.labelMap(), options.hashing() == null ? null : new FeatureHasher(options.hashing()),
                options.scoring(), options.unknownFields() == FormatOptions.UnknownFields.REJECT);
    }

    private JsonRowParser(String sourceField, String timeField, String labelField, String featuresField,
            String indicesField, String valuesField, String textField, int features, Map<String, Double> labelMap,
            FeatureHasher hasher, boolean scoring, boolean rejectUnknown) {
        this.sourceField = sourceField;
        this.timeField = timeField;
        this.labelField = labelField;
        this.featuresField = featuresField;
        this.indicesField = indicesField;
        this.valuesField = valuesField;
        this.textField = textField;
        this.features = features;
        this.labelMap = labelMap;
        this.hasher = hasher;
        this.valuesPrefix = valuesField + "[";
        this.scoring = scoring;
        this.rejectUnknown = rejectUnknown;
    }

    /**
     * Default field names, no dimension or index-range check, no label map, no hashing; unknown
     * keys rejected (so stateless).
     */
    static JsonRowParser unchecked() {
        return new JsonRowParser("source", "time", "label", "features", "indices", "values", "text", 0, null, null,
                false, true);
    }

    @Override
    Example parseChars(char[] c, int start, int end) throws InvalidRecordException {
        int ctx = CTX_OBJECT;
        int pos = 0;
        JsonParser p = null;
        try {
            p = FACTORY.createParser(c, start, end - start);
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new InvalidRecordException("empty line");
            }
            if (t != JsonToken.START_OBJECT) {
                throw new InvalidRecordException("not a JSON object (got " + describe(t) + ")");
            }
            String source = null;
            long time = JsonLineParser.NO_TIMESTAMP;
            double label = Double.NaN;
            float[] dense = null;
            int[] indices = null;
            float[] values = null;
            String text = null;
            int seen = 0;
            String skipped = null; // the row's first unknown key, for a "missing" reason
            String name;
            while ((name = p.nextFieldName()) != null) {
                int field = fieldOf(name);
                if (field == 0) {
                    if (rejectUnknown) {
                        throw new InvalidRecordException("unknown field '" + shorten(name) + "'");
                    }
                    p.nextToken();
                    p.skipChildren();
                    unknownFields().skipped(name, skipped == null);
                    if (skipped == null) {
                        skipped = name;
                    }
                    continue;
                }
                if ((seen & field) != 0) {
                    throw new InvalidRecordException("duplicate field '" + name + "'");
                }
                seen |= field;
                switch (field) {
                    case SOURCE -> {
                        ctx = CTX_SOURCE;
                        source = readSource(p);
                    }
                    case TIME -> {
                        ctx = CTX_TIME;
                        time = readTime(p);
                    }
                    case LABEL -> {
                        ctx = CTX_LABEL;
                        label = readLabel(p);
                    }
                    case FEATURES -> {
                        checkOneForm(seen);
                        ctx = CTX_FEATURES;
                        expectArray(p, featuresField);
                        pos = 0;
                        // the declared size up front (no copies), unless it is huge (hashed text
                        // dimensions): then grow, so that a stray short row costs little
                        float[] buf = new float[features <= 0 ? INITIAL_CAPACITY : Math.min(features, MAX_UPFRONT)];
                        int n = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            float v = readFloat(p, t, "feature ", n);
                            if (n >= buf.length) {
                                if (features > 0 && n >= features) {
                                    n++; // too many: count them for the reason, store nothing
                                    pos = n;
                                    continue;
                                }
                                int grown = n * 2;
                                buf = Arrays.copyOf(buf, features > 0 ? Math.min(grown, features) : grown);
                            }
                            buf[n++] = v;
                            pos = n; // the element the next nextToken() reads, for error reasons
                        }
                        if (features > 0 && n != features) {
                            throw new InvalidRecordException("expected " + features + " features, got " + n);
                        }
                        dense = n == buf.length ? buf : Arrays.copyOf(buf, n);
                    }
                    case INDICES -> {
                        checkOneForm(seen);
                        ctx = CTX_INDICES;
                        expectArray(p, indicesField);
                        pos = 0;
                        int[] buf = new int[INITIAL_CAPACITY];
                        int n = 0;
                        int prev = -1;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            int index = readIndex(p, t, n);
                            if (index <= prev) {
                                throw new InvalidRecordException(indicesField + " are not strictly increasing at "
                                        + indicesField + "[" + n + "] (" + index + " after " + prev + ")");
                            }
                            prev = index;
                            if (n == buf.length) {
                                buf = Arrays.copyOf(buf, n * 2);
                            }
                            buf[n++] = index;
                            pos = n;
                        }
                        indices = Arrays.copyOf(buf, n);
                    }
                    case VALUES -> {
                        checkOneForm(seen);
                        ctx = CTX_VALUES;
                        expectArray(p, valuesField);
                        pos = 0;
                        float[] buf = new float[INITIAL_CAPACITY];
                        int n = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (n == buf.length) {
                                buf = Arrays.copyOf(buf, n * 2);
                            }
                            buf[n++] = readFloat(p, t, valuesPrefix, n - 1);
                            pos = n;
                        }
                        values = Arrays.copyOf(buf, n);
                    }
                    case TEXT -> {
                        checkOneForm(seen);
                        ctx = CTX_TEXT;
                        t = p.nextToken();
                        if (t != JsonToken.VALUE_STRING) {
                            throw new InvalidRecordException(textField + " is not a string (got " + describe(t) + ")");
                        }
                        if (hasher == null) {
                            throw new InvalidRecordException(textField + " needs hashing configured"
                                    + " (set input.hashing.bits, or remove the " + textField + " field)");
                        }
                        text = p.getText();
                    }
                    default -> throw new AssertionError(field);
                }
                ctx = CTX_OBJECT;
            }
            ctx = CTX_TRAILING;
            if (p.nextToken() != null) {
                throw new InvalidRecordException("trailing content after the JSON object");
            }
            if (sourceField != null && (seen & SOURCE) == 0 && !scoring) {
                throw new InvalidRecordException("missing " + sourceField + ignored(skipped));
            }
            if ((seen & LABEL) == 0 && !scoring) {
                throw new InvalidRecordException("missing " + labelField + ignored(skipped));
            }
            if (dense != null) {
                return new Example(source, time, label, null, dense);
            }
            if (text != null) {
                SparseVector v = hasher.hash(text);
                return new Example(source, time, label, v.indices(), v.values());
            }
            if (indices == null && values == null) {
                throw new InvalidRecordException("missing features (give " + featuresField + ", or " + indicesField
                        + " and " + valuesField + ", or " + textField + ")" + ignored(skipped));
            }
            if (values == null) {
                throw new InvalidRecordException(indicesField + " given without " + valuesField);
            }
            if (indices == null) {
                throw new InvalidRecordException(valuesField + " given without " + indicesField);
            }
            if (indices.length != values.length) {
                throw new InvalidRecordException(indicesField + " and " + valuesField + " differ in length ("
                        + indices.length + " vs " + values.length + ")");
            }
            return new Example(source, time, label, indices, values);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(reason(e, p, ctx, pos, end - start));
        } catch (IOException e) {
            // a char[] source does not do I/O; kept for completeness
            throw new InvalidRecordException("unreadable line: " + oneLine(String.valueOf(e.getMessage())));
        } finally {
            if (p != null) {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // nothing to release for a char[] source
                }
            }
        }
    }

    /**
     * For a "missing" reason: the unknown key skipped in the row, which is often the missing field
     * misspelt ("lable"), so that the reason names the defect to fix rather than its symptom.
     */
    private static String ignored(String unknown) {
        return unknown == null ? "" : " (unknown field '" + shorten(unknown) + "' was ignored)";
    }

    /** The role of a key, or 0 when it is not a known field. */
    private int fieldOf(String name) {
        if (name.equals(sourceField)) {
            return SOURCE;
        }
        if (name.equals(timeField)) {
            return TIME;
        }
        if (name.equals(labelField)) {
            return LABEL;
        }
        if (name.equals(featuresField)) {
            return FEATURES;
        }
        if (name.equals(indicesField)) {
            return INDICES;
        }
        if (name.equals(valuesField)) {
            return VALUES;
        }
        if (name.equals(textField)) {
            return TEXT;
        }
        return 0;
    }

    /** Rejects a second feature form; {@code seen} already includes the field being read. */
    private void checkOneForm(int seen) throws InvalidRecordException {
        boolean hasDense = (seen & FEATURES) != 0;
        boolean hasSparse = (seen & (INDICES | VALUES)) != 0;
        boolean hasText = (seen & TEXT) != 0;
        String sparse = indicesField + "/" + valuesField;
        if (hasDense && hasSparse) {
            throw new InvalidRecordException("both " + featuresField + " and " + sparse + " given");
        }
        if (hasText && hasDense) {
            throw new InvalidRecordException("both " + textField + " and " + featuresField + " given");
        }
        if (hasText && hasSparse) {
            throw new InvalidRecordException("both " + textField + " and " + sparse + " given");
        }
    }

    private String readSource(JsonParser p) throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL && scoring) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            String source = p.getText();
            if (source.isBlank()) {
                throw new InvalidRecordException(sourceField + (source.isEmpty() ? " is empty" : " is blank"));
            }
            return source;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getText();
        }
        String got = t == JsonToken.VALUE_NUMBER_FLOAT ? shorten(p.getText()) : describe(t);
        throw new InvalidRecordException(sourceField + " is not a string or an integer (got " + got + ")");
    }

    private long readTime(JsonParser p) throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType nt = p.getNumberType();
            boolean fits = nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG;
            if (fits ? p.getLongValue() < 0 : p.getBigIntegerValue().signum() < 0) {
                throw TextNumbers.negativeTime(timeField, shorten(p.getText()));
            }
            if (!fits) {
                throw new InvalidRecordException(
                        timeField + " " + shorten(p.getText()) + " is out of range for epoch milliseconds");
            }
            return p.getLongValue();
        }
        String got = t == JsonToken.VALUE_NUMBER_FLOAT ? shorten(p.getText()) : describe(t);
        throw new InvalidRecordException(timeField + " is not an integer (epoch milliseconds), got " + got);
    }

    private double readLabel(JsonParser p) throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL && scoring) {
            return Double.NaN;
        }
        boolean number = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
        if (labelMap != null) {
            if (!number && t != JsonToken.VALUE_STRING) {
                throw new InvalidRecordException(
                        labelField + " is not a string or a number (got " + describe(t) + ")");
            }
            String key = p.getText();
            Double mapped = labelMap.get(key);
            if (mapped == null) {
                throw new InvalidRecordException(labelField + " '" + shorten(key) + "' is not in input.labelNames");
            }
            return mapped;
        }
        if (!number) {
            throw new InvalidRecordException(labelField + " is not a number (got " + describe(t) + ")");
        }
        double label = p.getDoubleValue();
        if (!Double.isFinite(label)) {
            throw new InvalidRecordException(
                    labelField + " is not a finite number (" + shorten(p.getText()) + " overflows)");
        }
        return label;
    }

    private static void expectArray(JsonParser p, String field) throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_ARRAY) {
            throw new InvalidRecordException(field + " is not an array (got " + describe(t) + ")");
        }
    }

    /** A feature value: a number that is finite as a float. {@code what} is "feature " or "values[". */
    private static float readFloat(JsonParser p, JsonToken t, String what, int i)
            throws IOException, InvalidRecordException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            float v = p.getFloatValue();
            if (Float.isFinite(v)) {
                return v;
            }
            throw new InvalidRecordException(
                    name(what, i) + " is not a finite number (" + shorten(p.getText()) + " overflows a float)");
        }
        if (t == JsonToken.VALUE_STRING) {
            throw new InvalidRecordException(
                    name(what, i) + " is not a finite number (got string \"" + shorten(p.getText()) + "\")");
        }
        throw new InvalidRecordException(name(what, i) + " is not a finite number (got " + describe(t) + ")");
    }

    private static String name(String what, int i) {
        return what.endsWith("[") ? what + i + "]" : what + i;
    }

    private int readIndex(JsonParser p, JsonToken t, int i) throws IOException, InvalidRecordException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.INT) {
                throw new InvalidRecordException(
                        element(i) + " is out of range" + range() + " (" + shorten(p.getText()) + ")");
            }
            int v = p.getIntValue();
            if (v < 0) {
                throw new InvalidRecordException(element(i) + " is negative (" + v + ")");
            }
            if (features > 0 && v >= features) {
                throw new InvalidRecordException(element(i) + " is out of range" + range() + " (" + v + ")");
            }
            return v;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidRecordException(element(i) + " is not an integer (" + shorten(p.getText()) + ")");
        }
        throw new InvalidRecordException(element(i) + " is not an integer (got " + describe(t) + ")");
    }

    private String element(int i) {
        return indicesField + "[" + i + "]";
    }

    private String range() {
        return features > 0 ? " [0, " + features + ")" : "";
    }

    /** The reason for a low-level JSON error, naming where it happened. */
    private String reason(JsonProcessingException e, JsonParser p, int ctx, int pos, int length) {
        if (ctx == CTX_TRAILING) {
            return "trailing content after the JSON object";
        }
        String msg = e.getOriginalMessage();
        msg = msg == null ? "" : oneLine(msg);
        // a number cut at the end of the line ("1.", "2e", "-") is reported at its last character
        boolean atEnd = e.getLocation() != null && e.getLocation().getCharOffset() >= length - 1
                && msg.contains("in numeric value");
        if (e instanceof JsonEOFException || msg.contains("end-of-input") || atEnd) {
            return "truncated JSON (unexpected end of input" + where(ctx, pos) + ")";
        }
        boolean badToken = msg.startsWith("Non-standard token") || msg.startsWith("Unrecognized token")
                || msg.startsWith("Invalid numeric value") || msg.startsWith("Number value length");
        String field = null;
        if (badToken && ctx == CTX_OBJECT && p != null) {
            // Jackson reads a scalar value together with its field name, so a bad value token
            // fails in nextFieldName(): the field is the parser's current name
            JsonStreamContext c = p.getParsingContext();
            if (c != null && c.inObject() && c.getParent() != null && c.getParent().inRoot()) {
                field = c.getCurrentName();
            }
        }
        if (badToken && field != null) {
            switch (fieldOf(field)) {
                case TIME -> ctx = CTX_TIME;
                case LABEL -> ctx = CTX_LABEL;
                case SOURCE -> {
                    return sourceField + " is not a string or an integer (non-standard token: " + lowerFirst(msg) + ")";
                }
                case TEXT -> {
                    return textField + " is not a string (non-standard token: " + lowerFirst(msg) + ")";
                }
                case FEATURES, INDICES, VALUES -> {
                    return field + " is not an array (non-standard token: " + lowerFirst(msg) + ")";
                }
                default -> {
                    return rejectUnknown ? "unknown field '" + shorten(field) + "'"
                            : "field '" + shorten(field) + "' is not valid JSON (" + lowerFirst(msg) + ")";
                }
            }
        }
        if (badToken && ctx != CTX_OBJECT && ctx != CTX_SOURCE && ctx != CTX_TEXT) {
            String what = switch (ctx) {
                case CTX_TIME -> timeField;
                case CTX_LABEL -> labelField;
                case CTX_FEATURES -> "feature " + pos;
                case CTX_INDICES -> indicesField + "[" + pos + "]";
                case CTX_VALUES -> valuesField + "[" + pos + "]";
                default -> "value";
            };
            return what + " is not a finite number (non-finite or non-numeric value: " + lowerFirst(msg) + ")";
        }
        long column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        return "not valid JSON" + where(ctx, pos) + (column > 0 ? " at column " + column : "") + ": "
                + lowerFirst(msg);
    }

    private String where(int ctx, int pos) {
        return switch (ctx) {
            case CTX_SOURCE -> " in " + sourceField;
            case CTX_TIME -> " in " + timeField;
            case CTX_LABEL -> " in " + labelField;
            case CTX_FEATURES -> " in " + featuresField + " at feature " + pos;
            case CTX_INDICES -> " in " + indicesField + " at " + indicesField + "[" + pos + "]";
            case CTX_VALUES -> " in " + valuesField + " at " + valuesField + "[" + pos + "]";
            case CTX_TEXT -> " in " + textField;
            default -> "";
        };
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name().toLowerCase() : "'" + t.asString() + "'";
        };
    }

    /** First line, without Jackson's "(for ...)" hints, and short enough for a dead letter. */
    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl);
        }
        int hint = s.indexOf(": enable `");
        if (hint >= 0) {
            s = s.substring(0, hint);
        }
        return shorten(s.strip(), 200);
    }

    private static String lowerFirst(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))) {
            return s;
        }
        // keep acronyms such as "JSON" intact
        if (s.length() > 1 && Character.isUpperCase(s.charAt(1))) {
            return s;
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String shorten(String s) {
        return shorten(s, 40);
    }

    /** At most {@code max} characters, control characters (e.g. from JSON escapes) as spaces. */
    private static String shorten(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = null;
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(' ');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        String head = sb != null ? sb.toString() : s.substring(0, n);
        return s.length() > max ? head + "..." : head;
    }
}
