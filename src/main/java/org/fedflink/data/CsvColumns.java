package org.fedflink.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The role of each CSV column, fixed before the first row is read: source, time, label, text (with
 * hashing), ignored, or feature {@code i} (a role >= 0). With a header the columns are found by
 * name and every column that is not source, time, label or ignored is a feature, in header order;
 * without one the layout is positional: source (when {@code sourceField} is set), time (when
 * {@code timeField} is set), label, then the features (or the text column, with hashing).
 *
 * <p>A header that does not fit the options is a {@link FormatException} naming the setting to
 * change, found once here rather than as the same invalid reason on every row.
 */
final class CsvColumns {

    static final int SOURCE = -1;
    static final int TIME = -2;
    static final int LABEL = -3;
    static final int TEXT = -4;
    static final int IGNORED = -5;

    /** Not given a role yet, while a header is read. */
    private static final int UNSET = Integer.MIN_VALUE;

    private CsvColumns() {}

    /** The roles of a file without a header. */
    static int[] positionalRoles(FormatOptions o) {
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

    /**
     * The roles of the columns {@code header} names.
     *
     * @param header the header row as {@link #headerText} decodes it
     * @throws FormatException when the header is unreadable, has duplicate names, lacks a configured
     *     column or has the wrong number of feature columns
     */
    static int[] headerRoles(FormatOptions o, char[] header) {
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
        Arrays.fill(roles, UNSET);
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
            if (roles[column] != UNSET) {
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
                if (roles[i] == UNSET) {
                    throw new FormatException("csv header has an unexpected column '" + TextNumbers.shorten(names[i])
                            + "': with text hashing (input.hashing.bits) the columns are only source, time, label"
                            + " and text (list others in input.csv.ignore)");
                }
            }
            return roles;
        }
        int feature = 0;
        for (int i = 0; i < roles.length; i++) {
            if (roles[i] == UNSET) {
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

    /**
     * The header row decoded, without a byte-order mark: what a repeated header line is compared
     * with, and what {@link #headerRoles} reads.
     *
     * @throws FormatException when it is blank or not valid text
     */
    static char[] headerText(byte[] header) {
        char[] c = new char[header.length];
        try {
            int end = AbstractRowParser.decode(AbstractRowParser.newDecoder(), header, 0, header.length, c);
            if (isBlank(c, end)) {
                throw new FormatException("csv header is empty");
            }
            int start = AbstractRowParser.check(c, 0, end);
            return Arrays.copyOfRange(c, start, end);
        } catch (InvalidRecordException e) {
            throw new FormatException("csv header: " + e.getMessage());
        }
    }

    /** The header's column names, unquoted and stripped of surrounding spaces. */
    private static String[] headerNames(FormatOptions o, char[] c) {
        CsvFields fields = new CsvFields(16);
        try {
            fields.split(c, 0, c.length, o.csvDelimiter());
        } catch (InvalidRecordException e) {
            throw new FormatException("csv header: " + e.getMessage());
        }
        String[] names = new String[fields.count];
        for (int i = 0; i < fields.count; i++) {
            names[i] = CsvFields.text(c, fields.starts[i], fields.ends[i], fields.flags[i]).strip();
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
}
