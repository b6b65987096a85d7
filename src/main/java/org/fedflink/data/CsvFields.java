package org.fedflink.data;

import java.util.Arrays;

/**
 * Splits one CSV row into its fields (RFC 4180, the rules in {@link CsvRowParser}) and holds their
 * bounds: start and end in the row's characters (inside the quotes of a quoted field) and whether
 * the field was quoted or holds {@code ""} escapes. Fields are not copied: a parser reads numbers
 * straight from the bounds and makes a String only of the fields it keeps as text.
 *
 * <p>Reused from row to row (it grows as needed), so one per parser.
 */
final class CsvFields {

    /** The field was enclosed in double quotes. */
    static final byte QUOTED = 1;
    /** The field holds {@code ""}, to be unescaped by {@link #text}. */
    static final byte ESCAPED = 2;

    int[] starts;
    int[] ends;
    byte[] flags;
    int count;

    CsvFields(int capacity) {
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

    /** The field's text, with {@code ""} unescaped. */
    static String text(char[] c, int s, int e, byte flag) {
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

    /** Where {@code c[s, e)} starts without leading spaces and tabs (numbers may have them around). */
    static int skipSpaces(char[] c, int s, int e) {
        while (s < e && (c[s] == ' ' || c[s] == '\t')) {
            s++;
        }
        return s;
    }

    /** Where {@code c[s, e)} ends without trailing spaces and tabs. */
    static int trimSpaces(char[] c, int s, int e) {
        while (e > s && (c[e - 1] == ' ' || c[e - 1] == '\t')) {
            e--;
        }
        return e;
    }
}
