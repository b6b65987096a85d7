package org.fedflink.data;

import java.util.Arrays;
import java.util.Map;

/**
 * Parses one LibSVM / SVMlight row (the rules are in {@link RowParsers}):
 * {@code label index:value index:value ... [# comment]}, tokens separated by spaces or tabs,
 * indices strictly increasing and counted from {@code libsvmIndexBase}. Examples are sparse, with
 * 0-based indices, no source and no time. Explicit zero values are kept.
 */
final class LibSvmRowParser extends AbstractRowParser {

    private static final long serialVersionUID = 1L;

    private final int features;
    private final int base;
    private final Map<String, Double> labelMap;

    // scratch: the current row's features, copied out at the end
    private transient int[] indices;
    private transient float[] values;

    LibSvmRowParser(FormatOptions options) {
        this.features = options.features();
        this.base = options.libsvmIndexBase();
        this.labelMap = options.labelMap();
    }

    @Override
    Example parseChars(char[] c, int start, int end) throws InvalidRecordException {
        for (int i = start; i < end; i++) {
            if (c[i] == '#') {
                end = i;
                break;
            }
        }
        int s = CsvFields.skipSpaces(c, start, end);
        if (s == end) {
            throw new InvalidRecordException("empty line (only a comment)");
        }
        int e = tokenEnd(c, s, end);
        if (indexOf(c, s, e, ':') >= 0) {
            throw new InvalidRecordException(isQid(c, s, e) ? "qid is not supported"
                    : "missing label (the line starts with '" + TextNumbers.shorten(c, s, e) + "')");
        }
        double label;
        if (labelMap != null) {
            String key = new String(c, s, e - s);
            Double mapped = labelMap.get(key);
            if (mapped == null) {
                throw RowValueRules.notALabelName("label", TextNumbers.shorten(key));
            }
            label = mapped;
        } else {
            label = TextNumbers.parseDouble(c, s, e, "label");
        }
        if (indices == null) {
            indices = new int[32];
            values = new float[32];
        }
        int n = 0;
        long prev = -1;
        for (s = CsvFields.skipSpaces(c, e, end); s < end; s = CsvFields.skipSpaces(c, e, end)) {
            e = tokenEnd(c, s, end);
            int colon = indexOf(c, s, e, ':');
            if (colon < 0) {
                throw new InvalidRecordException(
                        "token '" + TextNumbers.shorten(c, s, e) + "' is not index:value");
            }
            if (isQid(c, s, e)) {
                throw new InvalidRecordException("qid is not supported");
            }
            long index = parseIndex(c, s, colon, e);
            // the token's own defects before its relation to the others: "4:abc" after "10:1" is a
            // bad value first (fixing the order would not make the row valid)
            float value = TextNumbers.parseFloat(c, colon + 1, e);
            if (Float.isNaN(value)) {
                throw TextNumbers.floatProblem(c, colon + 1, e, "value of index " + TextNumbers.shorten(c, s, colon));
            }
            if (index < base || index - base >= features) {
                throw new InvalidRecordException("index " + TextNumbers.shorten(c, s, colon) + " is out of range ["
                        + base + ", "
                        + (features - 1 + base) + "]");
            }
            if (index == prev) {
                throw new InvalidRecordException("index " + index + " is repeated");
            }
            if (index < prev) {
                throw new InvalidRecordException(
                        "index " + index + " comes after index " + prev + " (indices must be increasing)");
            }
            prev = index;
            if (n == indices.length) {
                indices = Arrays.copyOf(indices, n * 2);
                values = Arrays.copyOf(values, n * 2);
            }
            indices[n] = (int) (index - base);
            values[n++] = value;
        }
        return new Example(null, JsonLineParser.NO_TIMESTAMP, label, Arrays.copyOf(indices, n),
                Arrays.copyOf(values, n));
    }

    /**
     * The index before the colon: digits only. Values beyond any int are returned as
     * {@link Long#MAX_VALUE} (out of range whatever the dimension).
     */
    private static long parseIndex(char[] c, int s, int colon, int e) throws InvalidRecordException {
        if (s == colon) {
            throw new InvalidRecordException("token '" + TextNumbers.shorten(c, s, e) + "' has no index before ':'");
        }
        long v = 0;
        for (int i = s; i < colon; i++) {
            if (!TextNumbers.isDigit(c[i])) {
                throw new InvalidRecordException(
                        "index '" + TextNumbers.shorten(c, s, colon) + "' is not a non-negative integer");
            }
            v = v > Integer.MAX_VALUE ? Long.MAX_VALUE : v * 10 + (c[i] - '0');
        }
        return v;
    }

    private static boolean isQid(char[] c, int s, int e) {
        return e - s >= 4 && c[s] == 'q' && c[s + 1] == 'i' && c[s + 2] == 'd' && c[s + 3] == ':';
    }

    private static int tokenEnd(char[] c, int s, int end) {
        while (s < end && c[s] != ' ' && c[s] != '\t') {
            s++;
        }
        return s;
    }

    private static int indexOf(char[] c, int s, int e, char ch) {
        for (int i = s; i < e; i++) {
            if (c[i] == ch) {
                return i;
            }
        }
        return -1;
    }
}
