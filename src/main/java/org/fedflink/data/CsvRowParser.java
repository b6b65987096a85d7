package org.fedflink.data;

import static org.fedflink.data.CsvColumns.IGNORED;
import static org.fedflink.data.CsvColumns.LABEL;
import static org.fedflink.data.CsvColumns.SOURCE;
import static org.fedflink.data.CsvColumns.TEXT;
import static org.fedflink.data.CsvColumns.TIME;
import static org.fedflink.data.CsvFields.ESCAPED;
import static org.fedflink.data.CsvFields.QUOTED;
import static org.fedflink.data.CsvFields.skipSpaces;
import static org.fedflink.data.CsvFields.text;
import static org.fedflink.data.CsvFields.trimSpaces;

import java.util.Arrays;
import java.util.Map;

/**
 * Parses one CSV row (the rules are in {@link RowParsers}). Fields follow RFC 4180: a field may be
 * enclosed in double quotes, inside which the delimiter is literal and {@code ""} is a quote;
 * spaces around a quoted field are ignored; a quote inside an unquoted field is an error, and so is
 * a quoted field that does not end on its row (rows are lines: fields cannot span lines).
 *
 * <p>Each column has a role, fixed when the parser is made ({@link CsvColumns}): source, time,
 * label, text (with hashing), ignored or feature {@code i}. Rows are split by {@link CsvFields}.
 *
 * <p>Values: the source is taken verbatim (RFC 4180: spaces are part of a field); numbers (label,
 * time, features) may have spaces or tabs around them. An empty time means "no time"; an empty
 * label or feature is invalid.
 *
 * <p>Rows to score ({@link FormatOptions#scoring()}): a header may lack the label, source and time
 * columns, and an empty label or source field means the row has none (label NaN, source null).
 */
final class CsvRowParser extends AbstractRowParser {

    private static final long serialVersionUID = 1L;

    private final char delimiter;
    /** Per column: a {@link CsvColumns} role, or a feature index. */
    private final int[] roles;
    private final int features;
    private final String sourceField;
    private final String timeField;
    private final String labelField;
    private final Map<String, Double> labelMap;
    private final FeatureHasher hasher;
    private final boolean scoring;

    /** The header row as decoded (without a byte-order mark), or null without a header. */
    private final char[] header;

    /** Scratch: the field bounds of the current row. */
    private transient CsvFields fields;

    private CsvRowParser(FormatOptions options, int[] roles, char[] header) {
        this.header = header;
        this.delimiter = options.csvDelimiter();
        this.roles = roles;
        this.features = options.features();
        this.sourceField = options.sourceField();
        this.timeField = options.timeField();
        this.labelField = options.labelField();
        this.labelMap = options.labelMap();
        this.hasher = RowValueRules.hasher(options);
        this.scoring = options.scoring();
    }

    /**
     * @param header the header row (when {@code options.csvHeader()}), else {@code null}
     * @throws FormatException when the header is unreadable, has duplicate names, lacks a configured
     *     column or has the wrong number of feature columns
     */
    static CsvRowParser create(FormatOptions options, byte[] header) {
        if (header == null) {
            return new CsvRowParser(options, CsvColumns.positionalRoles(options), null);
        }
        char[] text = CsvColumns.headerText(header);
        return new CsvRowParser(options, CsvColumns.headerRoles(options, text), text);
    }

    @Override
    Example parseChars(char[] c, int start, int end) throws InvalidRecordException {
        if (fields == null) {
            fields = new CsvFields(roles.length + 1);
        }
        if (header != null && Arrays.equals(c, start, end, header, 0, header.length)) {
            // else it would be reported by its first column that is not a number ("time is not an
            // integer ... got 'time'"): a symptom, not the cause (files concatenated with their headers)
            throw new InvalidRecordException("repeated header line");
        }
        CsvFields fields = this.fields;
        int n = fields.split(c, start, end, delimiter);
        if (n != roles.length) {
            throw new InvalidRecordException("expected " + roles.length + " columns, got " + n);
        }
        String source = null;
        long time = JsonLineParser.NO_TIMESTAMP;
        // NaN stays only when a row to score has no label (a row to train on always has a label column)
        double label = Double.NaN;
        float[] dense = hasher == null ? new float[features] : null;
        String text = null;
        for (int col = 0; col < n; col++) {
            int s = fields.starts[col];
            int e = fields.ends[col];
            byte f = fields.flags[col];
            int role = roles[col];
            if (role >= 0) {
                if ((f & ESCAPED) != 0) {
                    throw notNumber("feature " + role + " (column " + (col + 1) + ")", c, s, e);
                }
                s = skipSpaces(c, s, e);
                e = trimSpaces(c, s, e);
                float v = TextNumbers.parseFloat(c, s, e);
                if (Float.isNaN(v)) {
                    throw TextNumbers.floatProblem(c, s, e, "feature " + role + " (column " + (col + 1) + ")");
                }
                dense[role] = v;
                continue;
            }
            switch (role) {
                case SOURCE -> {
                    source = text(c, s, e, f);
                    if (source.isEmpty() && scoring) {
                        source = null;
                    } else {
                        RowValueRules.checkSource(sourceField, source);
                    }
                }
                case TIME -> {
                    int ts = skipSpaces(c, s, e);
                    int te = trimSpaces(c, ts, e);
                    if (ts < te) {
                        if ((f & ESCAPED) != 0) {
                            throw new InvalidRecordException(timeField + " is not an integer (epoch milliseconds), got '"
                                    + TextNumbers.shorten(c, s, e) + "'");
                        }
                        time = TextNumbers.parseTime(c, ts, te, timeField);
                    }
                }
                case LABEL -> {
                    // an empty label field of a row to score: the row has no label
                    if (!scoring || skipSpaces(c, s, e) < e) {
                        label = label(c, s, e, f);
                    }
                }
                case TEXT -> text = text(c, s, e, f);
                case IGNORED -> { }
                default -> throw new AssertionError(role);
            }
        }
        if (hasher != null) {
            return RowValueRules.hashed(hasher, source, time, label, text);
        }
        return new Example(source, time, label, null, dense);
    }

    private double label(char[] c, int s, int e, byte f) throws InvalidRecordException {
        if (labelMap != null) {
            String key = text(c, s, e, f);
            if ((f & QUOTED) == 0) {
                key = key.strip();
            }
            Double mapped = labelMap.get(key);
            if (mapped == null) {
                throw RowValueRules.notALabelName(labelField, TextNumbers.shorten(key));
            }
            return mapped;
        }
        if ((f & ESCAPED) != 0) {
            throw notNumber(labelField, c, s, e);
        }
        int ls = skipSpaces(c, s, e);
        return TextNumbers.parseDouble(c, ls, trimSpaces(c, ls, e), labelField);
    }

    private static InvalidRecordException notNumber(String what, char[] c, int s, int e) {
        return new InvalidRecordException(what + " is not a number (got '" + TextNumbers.shorten(c, s, e) + "')");
    }
}
