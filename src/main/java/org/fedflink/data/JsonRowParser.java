package org.fedflink.data;

import static org.fedflink.data.JsonErrorReasons.CTX_FEATURES;
import static org.fedflink.data.JsonErrorReasons.CTX_INDICES;
import static org.fedflink.data.JsonErrorReasons.CTX_LABEL;
import static org.fedflink.data.JsonErrorReasons.CTX_OBJECT;
import static org.fedflink.data.JsonErrorReasons.CTX_SOURCE;
import static org.fedflink.data.JsonErrorReasons.CTX_TEXT;
import static org.fedflink.data.JsonErrorReasons.CTX_TIME;
import static org.fedflink.data.JsonErrorReasons.CTX_TRAILING;
import static org.fedflink.data.JsonErrorReasons.CTX_VALUES;
import static org.fedflink.data.JsonErrorReasons.describe;
import static org.fedflink.data.JsonErrorReasons.ignored;
import static org.fedflink.data.JsonErrorReasons.oneLine;
import static org.fedflink.data.JsonErrorReasons.shorten;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
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
 * <p>This class is the row loop: which key is which ({@link JsonFields}), duplicates, the feature
 * form, the arrays, the example. Each scalar value and array element is read and checked by
 * {@link JsonValues}; Jackson's own errors are worded by {@link JsonErrorReasons}.
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

    /** Initial capacity of the growable array buffers (typical sparse rows fit without growing). */
    private static final int INITIAL_CAPACITY = 32;

    /** Dense arrays of up to this many values are allocated at their declared size at once. */
    private static final int MAX_UPFRONT = 1 << 16;

    private final JsonFields fields;
    /** The declared dimension; 0 = not checked (the legacy {@link JsonLineParser}). */
    private final int features;
    private final Map<String, Double> labelMap;
    private final FeatureHasher hasher;
    /** Rows to score: label and source optional. */
    private final boolean scoring;
    /** Unknown keys make the row invalid, rather than being skipped and counted. */
    private final boolean rejectUnknown;

    JsonRowParser(FormatOptions options) {
        this(JsonFields.of(options), options.features(), options.labelMap(), RowValueRules.hasher(options),
                options.scoring(), options.unknownFields() == FormatOptions.UnknownFields.REJECT);
    }

    private JsonRowParser(JsonFields fields, int features, Map<String, Double> labelMap, FeatureHasher hasher,
            boolean scoring, boolean rejectUnknown) {
        this.fields = fields;
        this.features = features;
        this.labelMap = labelMap;
        this.hasher = hasher;
        this.scoring = scoring;
        this.rejectUnknown = rejectUnknown;
    }

    /**
     * Default field names, no dimension or index-range check, no label map, no hashing; unknown
     * keys rejected (so stateless).
     */
    static JsonRowParser unchecked() {
        return new JsonRowParser(new JsonFields("source", "time", "label", "features", "indices", "values", "text"), 0,
                null, null, false, true);
    }

    // One method for the whole row: ctx and pos, which say where a low-level Jackson error
    // happened, are locals that the catch below reads, so the array loops cannot move out without
    // an object per row to carry them.
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
                int field = fields.roleOf(name);
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
                    case JsonFields.SOURCE -> {
                        ctx = CTX_SOURCE;
                        source = JsonValues.readSource(p, fields.sourceField, scoring);
                    }
                    case JsonFields.TIME -> {
                        ctx = CTX_TIME;
                        time = JsonValues.readTime(p, fields.timeField);
                    }
                    case JsonFields.LABEL -> {
                        ctx = CTX_LABEL;
                        label = JsonValues.readLabel(p, fields.labelField, labelMap, scoring);
                    }
                    case JsonFields.FEATURES -> {
                        fields.checkOneForm(seen);
                        ctx = CTX_FEATURES;
                        JsonValues.expectArray(p, fields.featuresField);
                        pos = 0;
                        // the declared size up front (no copies), unless it is huge (hashed text
                        // dimensions): then grow, so that a stray short row costs little
                        float[] buf = new float[features <= 0 ? INITIAL_CAPACITY : Math.min(features, MAX_UPFRONT)];
                        int n = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            float v = JsonValues.readFloat(p, t, "feature ", n);
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
                    case JsonFields.INDICES -> {
                        fields.checkOneForm(seen);
                        ctx = CTX_INDICES;
                        JsonValues.expectArray(p, fields.indicesField);
                        pos = 0;
                        int[] buf = new int[INITIAL_CAPACITY];
                        int n = 0;
                        int prev = -1;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            int index = JsonValues.readIndex(p, t, n, fields.indicesField, features);
                            if (index <= prev) {
                                throw new InvalidRecordException(fields.indicesField
                                        + " are not strictly increasing at " + fields.indicesField + "[" + n + "] ("
                                        + index + " after " + prev + ")");
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
                    case JsonFields.VALUES -> {
                        fields.checkOneForm(seen);
                        ctx = CTX_VALUES;
                        JsonValues.expectArray(p, fields.valuesField);
                        pos = 0;
                        float[] buf = new float[INITIAL_CAPACITY];
                        int n = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (n == buf.length) {
                                buf = Arrays.copyOf(buf, n * 2);
                            }
                            buf[n++] = JsonValues.readFloat(p, t, fields.valuesPrefix, n - 1);
                            pos = n;
                        }
                        values = Arrays.copyOf(buf, n);
                    }
                    case JsonFields.TEXT -> {
                        fields.checkOneForm(seen);
                        ctx = CTX_TEXT;
                        t = p.nextToken();
                        if (t != JsonToken.VALUE_STRING) {
                            throw new InvalidRecordException(
                                    fields.textField + " is not a string (got " + describe(t) + ")");
                        }
                        if (hasher == null) {
                            throw new InvalidRecordException(fields.textField + " needs hashing configured"
                                    + " (set input.hashing.bits, or remove the " + fields.textField + " field)");
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
            if (fields.sourceField != null && (seen & JsonFields.SOURCE) == 0 && !scoring) {
                throw new InvalidRecordException("missing " + fields.sourceField + ignored(skipped));
            }
            if ((seen & JsonFields.LABEL) == 0 && !scoring) {
                throw new InvalidRecordException("missing " + fields.labelField + ignored(skipped));
            }
            if (dense != null) {
                return new Example(source, time, label, null, dense);
            }
            if (text != null) {
                return RowValueRules.hashed(hasher, source, time, label, text);
            }
            if (indices == null && values == null) {
                throw new InvalidRecordException("missing features (give " + fields.featuresField + ", or "
                        + fields.indicesField + " and " + fields.valuesField + ", or " + fields.textField + ")"
                        + ignored(skipped));
            }
            if (values == null) {
                throw new InvalidRecordException(fields.indicesField + " given without " + fields.valuesField);
            }
            if (indices == null) {
                throw new InvalidRecordException(fields.valuesField + " given without " + fields.indicesField);
            }
            if (indices.length != values.length) {
                throw new InvalidRecordException(fields.indicesField + " and " + fields.valuesField
                        + " differ in length (" + indices.length + " vs " + values.length + ")");
            }
            return new Example(source, time, label, indices, values);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(
                    JsonErrorReasons.reason(e, p, ctx, pos, end - start, fields, rejectUnknown));
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
}
