package org.fedflink.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one CSV row (the rules are in {@link RowParsers}). Fields follow RFC 4180: a field may be
 * enclosed in double quotes, inside which the delimiter is literal and {@code ""} is a quote;
 * spaces around a quoted field are ignored; a quote inside an unquoted field is an error, and so is
 * a quoted field that does not end on its row (rows are lines: fields cannot span lines).
 *
 * <p>Each column has a role, fixed when the parser is made: source, time, label, text (with
 * hashing) or feature {@code i}. With a header the columns are found by name and every column that
 * is not source, time or label is a feature, in header order; without one the layout is positional:
 * source (when {@code sourceField} is set), time (when {@code timeField} is set), label, then the
 * features (or the text column, with hashing).
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

    private static final int SOURCE = -1;
    private static final int TIME = -2;
    private static final int LABEL = -3;
    private static final int TEXT = -4;
    private static final int IGNORED = -5;

    /** Field flags from {@link #split}. */
    private static final byte QUOTED = 1;
    private static final byte ESCAPED = 2;

    private final char delimiter;
    /** Per column: {@link #SOURCE}, {@link #TIME}, {@link #LABEL}, {@link #TEXT}, {@link #IGNORED} or a feature index. */
    private final int[] roles;
    private final int features;
    private final String sourceField;
    private final String timeField;
    private final String labelField;
    private final String textField;
    private final Map<String, Double> labelMap;
    private final FeatureHasher hasher;
    private final boolean scoring;

    /** The header row as decoded (without a byte-order mark), or null without a header. */
    private final char[] header;

    /** Scratch: the field bounds of the current row. */
    private transient Fields fields;

    private CsvRowParser(FormatOptions options, int[] roles, char[] header) {
        this.header = header;
        this.delimiter = options.csvDelimiter();
        this.roles = roles;
        this.features = options.features();
        this.sourceField = options.sourceField();
        this.timeField = options.timeField();
        this.labelField = options.labelField();
        this.textField = options.textField();
        this.labelMap = options.labelMap();
        this.hasher = options.hashing() == null ? null : new FeatureHasher(options.hashing());
        this.scoring = options.scoring();
    }

    /**
     * @param header the header row (when {@code options.csvHeader()}), else {@code null}
     * @throws FormatException when the header is unreadable, has duplicate names, lacks a configured
     *     column or has the wrong number of feature columns
     */
    static CsvRowParser create(FormatOptions options, byte[] header) {
        if (header == null) {
            return new CsvRowParser(options, positionalRoles(options), null);
        }
        char[] text = headerText(header);
        return new CsvRowParser(options, headerRoles(options, text), text);
    }

    private static int[] positionalRoles(FormatOptions o) {
        List<Integer> roles = new ArrayList<>();
        if (o.sourceField() != null) {
            roles.add(SOURCE);
        }
        if (o.timeField() != null) {
            roles.add(TIME);
        }
        roles.add(LABEL);
        if (o.hashing() != null) {
            roles.add(TEXT);
        } else {
            for (int i = 0; i < o.features(); i++) {
                roles.add(i);
            }
        }
        return roles.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] headerRoles(FormatOptions o, char[] header) {
        String[] names = headerNames(o, header);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            Integer first = columns.putIfAbsent(names[i], i);
            if (first != null) {
                throw new FormatException("csv header has duplicate column '" + TextNumbers.shorten(names[i])
                        + "' (columns " + (first + 1) + " and " + (i + 1) + ")");
            }
        }
        int[] roles = new int[names.length];
        Arrays.fill(roles, Integer.MIN_VALUE);
        String list = columnList(names);
        Integer label = columns.get(o.labelField());
        if (label == null && !o.scoring()) {
            throw new FormatException("csv header has no label column '" + o.labelField() + "' (columns: " + list
                    + "); set input.fields.label to the name of the label column");
        }
        if (label != null) {
            roles[label] = LABEL;
        }
        for (String ignored : o.csvIgnoredColumns()) {
            Integer column = columns.get(ignored);
            if (column == null && o.scoring()) {
                continue; // rows to score need not carry another task's label
            }
            if (column == null) {
                throw new FormatException("csv header has no column '" + TextNumbers.shorten(ignored)
                        + "' of input.csv.ignore (columns: " + list + ")");
            }
            if (roles[column] != Integer.MIN_VALUE) {
                throw new FormatException("csv column '" + TextNumbers.shorten(ignored)
                        + "' cannot be both in input.csv.ignore and the label (input.fields.label)");
            }
            roles[column] = IGNORED;
        }
        if (o.sourceField() != null && (columns.containsKey(o.sourceField()) || !o.scoring())) {
            Integer source = columns.get(o.sourceField());
            if (source == null) {
                throw new FormatException("csv header has no source column '" + o.sourceField() + "' (columns: "
                        + list + "); set input.fields.source to the column naming each example's source, or to none"
                        + " if the data has none (input.partition then assigns sources)");
            }
            roles[source] = SOURCE;
        }
        if (o.timeField() != null && (columns.containsKey(o.timeField()) || !o.scoring())) {
            Integer time = columns.get(o.timeField());
            if (time == null) {
                throw new FormatException("csv header has no time column '" + o.timeField() + "' (columns: " + list
                        + "); set input.fields.time to the column of epoch milliseconds, or to none if the data has"
                        + " no event time");
            }
            roles[time] = TIME;
        }
        if (o.hashing() != null) {
            Integer text = columns.get(o.textField());
            if (text == null) {
                throw new FormatException("csv header has no text column '" + o.textField() + "' (columns: " + list
                        + "); set input.fields.text to the column of text to hash");
            }
            roles[text] = TEXT;
            for (int i = 0; i < roles.length; i++) {
                if (roles[i] == Integer.MIN_VALUE) {
                    throw new FormatException("csv header has an unexpected column '" + TextNumbers.shorten(names[i])
                            + "': with text hashing (input.hashing.bits) the columns are only source, time, label"
                            + " and text (list others in input.csv.ignore)");
                }
            }
            return roles;
        }
        int feature = 0;
        for (int i = 0; i < roles.length; i++) {
            if (roles[i] == Integer.MIN_VALUE) {
                roles[i] = feature++;
            }
        }
        if (feature != o.features()) {
            throw new FormatException("csv header has " + feature + " feature columns, expected " + o.features()
                    + " (model.features); every column other than source, time, label and those in input.csv.ignore"
                    + " is a feature");
        }
        return roles;
    }

    /** The header row decoded, without a byte-order mark. */
    private static char[] headerText(byte[] header) {
        char[] c = new char[header.length];
        try {
            int end = decode(newDecoder(), header, 0, header.length, c);
            if (isBlank(c, end)) {
                throw new FormatException("csv header is empty");
            }
            int start = check(c, 0, end);
            return Arrays.copyOfRange(c, start, end);
        } catch (InvalidRecordException e) {
            throw new FormatException("csv header: " + e.getMessage());
        }
    }

    /** The header's column names, unquoted and stripped of surrounding spaces. */
    private static String[] headerNames(FormatOptions o, char[] c) {
        Fields fields = new Fields(16);
        try {
            fields.split(c, 0, c.length, o.csvDelimiter());
        } catch (InvalidRecordException e) {
            throw new FormatException("csv header: " + e.getMessage());
        }
        String[] names = new String[fields.count];
        for (int i = 0; i < fields.count; i++) {
            names[i] = text(c, fields.starts[i], fields.ends[i], fields.flags[i]).strip();
        }
        return names;
    }

    private static boolean isBlank(char[] c, int end) {
        for (int i = 0; i < end; i++) {
            if (c[i] != ' ' && c[i] != '\t' && c[i] != '\uFEFF') {
                return false;
            }
        }
        return true;
    }

    private static String columnList(String[] names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length && i < 8; i++) {
            sb.append(i == 0 ? "" : ", ").append(TextNumbers.shorten(names[i]));
        }
        if (names.length > 8) {
            sb.append(", ... (").append(names.length).append(" in all)");
        }
        return sb.toString();
    }

    @Override
    Example parseChars(char[] c, int start, int end) throws InvalidRecordException {
        if (fields == null) {
            fields = new Fields(roles.length + 1);
        }
        if (header != null && Arrays.equals(c, start, end, header, 0, header.length)) {
            // else it would be reported by its first column that is not a number ("time is not an
            // integer ... got 'time'"): a symptom, not the cause (files concatenated with their headers)
            throw new InvalidRecordException("repeated header line");
        }
        Fields fields = this.fields;
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
                    } else if (source.isBlank()) {
                        throw new InvalidRecordException(sourceField + (source.isEmpty() ? " is empty" : " is blank"));
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
            SparseVector v = hasher.hash(text);
            return new Example(source, time, label, v.indices(), v.values());
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
                throw new InvalidRecordException(labelField + " '" + TextNumbers.shorten(key) + "' is not in input.labelNames");
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

    /** The field's text, with {@code ""} unescaped. */
    private static String text(char[] c, int s, int e, byte flag) {
        if ((flag & ESCAPED) == 0) {
            return new String(c, s, e - s);
        }
        StringBuilder sb = new StringBuilder(e - s);
        for (int i = s; i < e; i++) {
            sb.append(c[i]);
            if (c[i] == '"') {
                i++; // the second quote of ""
            }
        }
        return sb.toString();
    }

    private static int skipSpaces(char[] c, int s, int e) {
        while (s < e && (c[s] == ' ' || c[s] == '\t')) {
            s++;
        }
        return s;
    }

    private static int trimSpaces(char[] c, int s, int e) {
        while (e > s && (c[e - 1] == ' ' || c[e - 1] == '\t')) {
            e--;
        }
        return e;
    }

    /** The bounds of the fields of one row (inside the quotes for a quoted field); grows as needed. */
    static final class Fields {
        int[] starts;
        int[] ends;
        byte[] flags;
        int count;

        Fields(int capacity) {
            starts = new int[capacity];
            ends = new int[capacity];
            flags = new byte[capacity];
        }

        /** Splits {@code c[start, end)} into fields and returns their number (also in {@link #count}). */
        int split(char[] c, int start, int end, char delimiter) throws InvalidRecordException {
            int col = 0;
            int i = start;
            while (true) {
                if (col == starts.length) {
                    int capacity = Math.max(16, col * 2);
                    starts = Arrays.copyOf(starts, capacity);
                    ends = Arrays.copyOf(ends, capacity);
                    flags = Arrays.copyOf(flags, capacity);
                }
                int j = i;
                while (j < end && c[j] == ' ') {
                    j++;
                }
                if (j < end && c[j] == '"') {
                    int s = j + 1;
                    byte flag = QUOTED;
                    j = s;
                    while (true) {
                        if (j >= end) {
                            throw new InvalidRecordException("unterminated quoted field in column " + (col + 1)
                                    + " (quoted fields cannot span lines)");
                        }
                        if (c[j] == '"') {
                            if (j + 1 < end && c[j + 1] == '"') {
                                flag |= ESCAPED;
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j++;
                    }
                    starts[col] = s;
                    ends[col] = j;
                    flags[col] = flag;
                    i = j + 1;
                    while (i < end && c[i] == ' ') {
                        i++;
                    }
                    if (i < end && c[i] != delimiter) {
                        throw new InvalidRecordException("text after the closing quote in column " + (col + 1));
                    }
                } else {
                    int s = i;
                    while (i < end && c[i] != delimiter) {
                        if (c[i] == '"') {
                            throw new InvalidRecordException("quote inside the unquoted field in column " + (col + 1)
                                    + " (quote the whole field and double the quote)");
                        }
                        i++;
                    }
                    starts[col] = s;
                    ends[col] = i;
                    flags[col] = 0;
                }
                col++;
                if (i >= end) {
                    break;
                }
                i++; // the delimiter; a row ending with one has an empty last field
            }
            count = col;
            return col;
        }
    }
}
