package org.fedflink.data;

import java.io.Serializable;

/**
 * Parses one JSON object per line, given as a String, into an {@link Example}:
 * {@code {"source": "s1", "time": 1700000000000, "label": 2, "features": [0.1, ...]}} (dense) or
 * with {@code "indices": [...], "values": [...]} instead of {@code features} (sparse).
 *
 * <p>The JSONL rules of {@link RowParsers} with the default field names, except that the dimension
 * is not known here: dense features of any length and sparse indices of any non-negative value are
 * accepted, so run {@link ExampleValidator#check} on the result (it also checks the label range).
 * There is no label map and no text hashing (a {@code text} field is rejected), and unknown keys
 * are rejected ({@code unknown field 'weight'}, as under {@code input.unknownFields: reject}), which
 * keeps it stateless. For rows read from
 * files or messages as bytes, with a declared dimension and configurable fields, use
 * {@link RowParsers#create} instead.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonLineParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The timestamp of an example whose row has no time ({@link Long#MIN_VALUE}), meaning "no
     * timestamp": the reader must assign one (e.g. ingestion time) before event-time processing.
     */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** Its {@code parseChars} is stateless, so one instance serves every thread. */
    private static final JsonRowParser PARSER = JsonRowParser.unchecked();

    public JsonLineParser() {}

    /** @throws InvalidRecordException naming what is wrong with the line */
    public Example parse(String line) throws InvalidRecordException {
        if (line == null) {
            throw new InvalidRecordException("empty line");
        }
        char[] chars = line.toCharArray();
        int end = chars.length;
        if (end > 0 && chars[end - 1] == '\r') {
            end--;
        }
        int start = AbstractRowParser.check(chars, 0, end);
        return PARSER.parseChars(chars, start, end);
    }
}
