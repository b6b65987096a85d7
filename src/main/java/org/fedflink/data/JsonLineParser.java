package org.fedflink.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Parses one JSON object per line into an {@link Example}:
 * {@code {"source": "s1", "time": 1700000000000, "label": 2, "features": [0.1, ...]}} (dense) or
 * with {@code "indices": [...], "values": [...]} instead of {@code features} (sparse).
 *
 * <p>Fields, in any order:
 *
 * <ul>
 *   <li>{@code source} — required, a non-blank string;
 *   <li>{@code time} — optional, an integer (epoch milliseconds). When absent the example's
 *       timestamp is {@link #NO_TIMESTAMP} ({@link Long#MIN_VALUE}), meaning "no timestamp": the
 *       reader must assign one (e.g. ingestion time) before event-time processing;
 *   <li>{@code label} — required, a finite number (class index or target value; the range is
 *       checked by {@link ExampleValidator}, not here);
 *   <li>either {@code features} — an array of finite numbers (dense), or {@code indices} (array of
 *       non-negative, strictly increasing integers) together with {@code values} (array of finite
 *       numbers of the same length) (sparse).
 * </ul>
 *
 * <p>Anything else is rejected with an {@link InvalidRecordException} whose message is a one-line,
 * lower-case reason naming the problem: not JSON or truncated, trailing content after the object,
 * not an object, a missing/duplicate/unknown field, a field of the wrong type, a non-numeric or
 * non-finite number ({@code NaN}/{@code Infinity} tokens, strings, numbers that overflow — feature
 * values are stored as {@code float}, so a feature beyond ±3.4e38 overflows), both dense and sparse
 * features, sparse arrays of different lengths or indices not strictly increasing. The dimension
 * and the label range are not checked here (the parser does not know the model): run
 * {@link ExampleValidator#check} on the result.
 *
 * <p>Duplicate keys are detected by the parser itself with a bit set over the six known fields
 * (equivalent to Jackson's {@code STRICT_DUPLICATE_DETECTION} since unknown keys are rejected anyway,
 * and allocation-free). Jackson's defaults are kept otherwise, so {@code NaN}/{@code Infinity} tokens,
 * leading zeros, comments and single quotes are rejected.
 *
 * <p>Uses Jackson's streaming parser (no tree) over one shared {@link JsonFactory}. Stateless and
 * thread-safe.
 */
public final class JsonLineParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The timestamp of an example whose line has no {@code time} field. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

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

    // parse context, for naming where a low-level JSON error happened
    private static final int CTX_OBJECT = 0;
    private static final int CTX_SOURCE = 1;
    private static final int CTX_TIME = 2;
    private static final int CTX_LABEL = 3;
    private static final int CTX_FEATURES = 4;
    private static final int CTX_INDICES = 5;
    private static final int CTX_VALUES = 6;
    private static final int CTX_TRAILING = 7;

    /** Initial capacity of the growable array buffers (typical dimensions fit without growing). */
    private static final int INITIAL_CAPACITY = 32;

    public JsonLineParser() {}

    /** @throws InvalidRecordException naming what is wrong with the line */
    public Example parse(String line) throws InvalidRecordException {
        if (line == null) {
            throw new InvalidRecordException("empty line");
        }
        int ctx = CTX_OBJECT;
        int pos = 0;
        JsonParser p = null;
        try {
            p = FACTORY.createParser(line);
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new InvalidRecordException("empty line");
            }
            if (t != JsonToken.START_OBJECT) {
                throw new InvalidRecordException("not a JSON object (got " + describe(t) + ")");
            }
            String source = null;
            long time = NO_TIMESTAMP;
            double label = Double.NaN;
            float[] features = null;
            int[] indices = null;
            float[] values = null;
            int seen = 0;
            String name;
            while ((name = p.nextFieldName()) != null) {
                int field = switch (name) {
                    case "source" -> SOURCE;
                    case "time" -> TIME;
                    case "label" -> LABEL;
                    case "features" -> FEATURES;
                    case "indices" -> INDICES;
                    case "values" -> VALUES;
                    default -> throw new InvalidRecordException("unknown field '" + shorten(name) + "'");
                };
                if ((seen & field) != 0) {
                    throw new InvalidRecordException("duplicate field '" + name + "'");
                }
                seen |= field;
                switch (field) {
                    case SOURCE -> {
                        ctx = CTX_SOURCE;
                        t = p.nextToken();
                        if (t != JsonToken.VALUE_STRING) {
                            throw new InvalidRecordException("source is not a string (got " + describe(t) + ")");
                        }
                        source = p.getText();
                        if (source.isBlank()) {
                            throw new InvalidRecordException(source.isEmpty() ? "source is empty" : "source is blank");
                        }
                    }
                    case TIME -> {
                        ctx = CTX_TIME;
                        t = p.nextToken();
                        if (t == JsonToken.VALUE_NUMBER_INT) {
                            JsonParser.NumberType nt = p.getNumberType();
                            if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
                                throw new InvalidRecordException(
                                        "time " + shorten(p.getText()) + " is out of range for epoch milliseconds");
                            }
                            time = p.getLongValue();
                        } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                            throw new InvalidRecordException(
                                    "time is not an integer (epoch milliseconds), got " + shorten(p.getText()));
                        } else {
                            throw new InvalidRecordException(
                                    "time is not an integer (epoch milliseconds), got " + describe(t));
                        }
                    }
                    case LABEL -> {
                        ctx = CTX_LABEL;
                        t = p.nextToken();
                        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                            throw new InvalidRecordException("label is not a number (got " + describe(t) + ")");
                        }
                        label = p.getDoubleValue();
                        if (!Double.isFinite(label)) {
                            throw new InvalidRecordException(
                                    "label is not a finite number (" + shorten(p.getText()) + " overflows)");
                        }
                    }
                    case FEATURES -> {
                        if ((seen & (INDICES | VALUES)) != 0) {
                            throw new InvalidRecordException("both features and indices/values given");
                        }
                        ctx = CTX_FEATURES;
                        expectArray(p, "features");
                        pos = 0;
                        float[] buf = new float[INITIAL_CAPACITY];
                        int n = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (n == buf.length) {
                                buf = Arrays.copyOf(buf, n * 2);
                            }
                            buf[n++] = readFloat(p, t, "feature ", n - 1);
                            pos = n; // the element the next nextToken() reads, for error reasons
                        }
                        features = Arrays.copyOf(buf, n);
                    }
                    case INDICES -> {
                        if ((seen & FEATURES) != 0) {
                            throw new InvalidRecordException("both features and indices/values given");
                        }
                        ctx = CTX_INDICES;
                        expectArray(p, "indices");
                        pos = 0;
                        int[] buf = new int[INITIAL_CAPACITY];
                        int n = 0;
                        int prev = -1;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            int index = readIndex(p, t, n);
                            if (index <= prev) {
                                throw new InvalidRecordException("indices are not strictly increasing at indices["
                                        + n + "] (" + index + " after " + prev + ")");
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
                        if ((seen & FEATURES) != 0) {
                            throw new InvalidRecordException("both features and indices/values given");
                        }
                        ctx = CTX_VALUES;
                        expectArray(p, "values");
                        pos = 0;
                        float[] buf = new float[INITIAL_CAPACITY];
                        int n = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (n == buf.length) {
                                buf = Arrays.copyOf(buf, n * 2);
                            }
                            buf[n++] = readFloat(p, t, "values[", n - 1);
                            pos = n;
                        }
                        values = Arrays.copyOf(buf, n);
                    }
                    default -> throw new AssertionError(field);
                }
                ctx = CTX_OBJECT;
            }
            ctx = CTX_TRAILING;
            if (p.nextToken() != null) {
                throw new InvalidRecordException("trailing content after the JSON object");
            }
            if ((seen & SOURCE) == 0) {
                throw new InvalidRecordException("missing source");
            }
            if ((seen & LABEL) == 0) {
                throw new InvalidRecordException("missing label");
            }
            if (features != null) {
                return new Example(source, time, label, null, features);
            }
            if (indices == null && values == null) {
                throw new InvalidRecordException("missing features (give features, or indices and values)");
            }
            if (values == null) {
                throw new InvalidRecordException("indices given without values");
            }
            if (indices == null) {
                throw new InvalidRecordException("values given without indices");
            }
            if (indices.length != values.length) {
                throw new InvalidRecordException("indices and values differ in length ("
                        + indices.length + " vs " + values.length + ")");
            }
            return new Example(source, time, label, indices, values);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(reason(e, p, ctx, pos, line.length()));
        } catch (IOException e) {
            // a String source does not do I/O; kept for completeness
            throw new InvalidRecordException("unreadable line: " + oneLine(String.valueOf(e.getMessage())));
        } finally {
            if (p != null) {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // nothing to release for a String source
                }
            }
        }
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

    private static int readIndex(JsonParser p, JsonToken t, int i) throws IOException, InvalidRecordException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.INT) {
                throw new InvalidRecordException("indices[" + i + "] is out of range (" + shorten(p.getText()) + ")");
            }
            int v = p.getIntValue();
            if (v < 0) {
                throw new InvalidRecordException("indices[" + i + "] is negative (" + v + ")");
            }
            return v;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidRecordException("indices[" + i + "] is not an integer (" + shorten(p.getText()) + ")");
        }
        throw new InvalidRecordException("indices[" + i + "] is not an integer (got " + describe(t) + ")");
    }

    /** The reason for a low-level JSON error, naming where it happened. */
    private static String reason(JsonProcessingException e, JsonParser p, int ctx, int pos, int length) {
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
            switch (field) {
                case "time" -> ctx = CTX_TIME;
                case "label" -> ctx = CTX_LABEL;
                case "source" -> {
                    return "source is not a string (non-standard token: " + lowerFirst(msg) + ")";
                }
                case "features", "indices", "values" -> {
                    return field + " is not an array (non-standard token: " + lowerFirst(msg) + ")";
                }
                default -> {
                    return "unknown field '" + shorten(field) + "'";
                }
            }
        }
        if (badToken && ctx != CTX_OBJECT && ctx != CTX_SOURCE) {
            String what = switch (ctx) {
                case CTX_TIME -> "time";
                case CTX_LABEL -> "label";
                case CTX_FEATURES -> "feature " + pos;
                case CTX_INDICES -> "indices[" + pos + "]";
                case CTX_VALUES -> "values[" + pos + "]";
                default -> "value";
            };
            return what + " is not a finite number (non-finite or non-numeric value: " + lowerFirst(msg) + ")";
        }
        long column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        return "not valid JSON" + where(ctx, pos) + (column > 0 ? " at column " + column : "") + ": "
                + lowerFirst(msg);
    }

    private static String where(int ctx, int pos) {
        return switch (ctx) {
            case CTX_SOURCE -> " in source";
            case CTX_TIME -> " in time";
            case CTX_LABEL -> " in label";
            case CTX_FEATURES -> " in features at feature " + pos;
            case CTX_INDICES -> " in indices at indices[" + pos + "]";
            case CTX_VALUES -> " in values at values[" + pos + "]";
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
