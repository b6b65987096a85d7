package org.fedflink.data;

/**
 * Checks, before a job starts, that a file is in its declared format at all, so that a wrong
 * {@code format} setting fails fast with one clear message instead of dead-lettering every row.
 *
 * <p>A file passes when at least one of its first {@link #MAX_ROWS} non-blank rows parses: a few
 * bad rows are the dead letters' business, not a format error.
 */
public final class FormatProbe {

    /** How many non-blank rows are tried at most. */
    public static final int MAX_ROWS = 100;

    private FormatProbe() {}

    /**
     * @param fileName the file's name, for the message
     * @param headerRow the CSV header row (CSV with {@code csvHeader}), else {@code null}
     * @param firstRows the rows of the file in order, starting right after the header (or at the
     *     first line), without line terminators; only up to {@link #MAX_ROWS} non-blank ones are read
     * @throws FormatException when the CSV header does not fit the options ("data.csv: csv header has
     *     no label column ..."), or when none of the rows tried parses ("data.csv does not look like
     *     libsvm: line 1: token 'a' is not index:value"; line numbers count the header). Passes when
     *     there is no non-blank row.
     * @throws IllegalArgumentException as {@link RowParsers#create}
     */
    public static void check(String fileName, FormatOptions options, byte[] headerRow, Iterable<byte[]> firstRows) {
        check(fileName, null, options, headerRow, firstRows);
    }

    /**
     * {@link #check(String, FormatOptions, byte[], Iterable)}, naming the setting the format came
     * from: "data.csv does not look like libsvm (input.type): line 1: ...".
     *
     * @param formatKey the key that declared the format, or null
     */
    public static void check(
            String fileName, String formatKey, FormatOptions options, byte[] headerRow, Iterable<byte[]> firstRows) {
        RowParser parser;
        try {
            parser = RowParsers.create(options, headerRow);
        } catch (FormatException e) {
            throw new FormatException(fileName + ": " + e.getMessage(), e);
        }
        int line = headerRow != null ? 1 : 0;
        int tried = 0;
        String firstReason = null;
        int firstLine = 0;
        for (byte[] row : firstRows) {
            line++;
            if (isBlank(row)) {
                continue;
            }
            if (tried == MAX_ROWS) {
                break;
            }
            tried++;
            try {
                parser.parse(row, 0, row.length);
                return;
            } catch (InvalidRecordException e) {
                if (firstReason == null) {
                    firstReason = e.getMessage();
                    firstLine = line;
                }
            }
        }
        if (firstReason != null) {
            String tries = tried == 1 ? "" : " (none of the first " + tried + " rows parses)";
            throw new FormatException(fileName + " does not look like " + options.format().name().toLowerCase()
                    + (formatKey == null ? "" : " (" + formatKey + ")") + ": line " + firstLine + ": " + firstReason
                    + tries);
        }
    }

    private static boolean isBlank(byte[] row) {
        if (row == null) {
            return true;
        }
        for (byte b : row) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
