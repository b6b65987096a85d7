package org.fedflink.data;

/**
 * Makes the {@link RowParser} of a text format. Every format follows the same validity rules:
 *
 * <h2>What a valid row is</h2>
 *
 * A row (one line, without its line terminator) is exactly one well-formed record with a valid
 * label and exactly the declared number of finite features (dense), or sparse features whose
 * indices are in {@code [0, features)} and strictly increasing. A row that is not is <i>invalid</i>:
 * it is rejected with a one-line, lower-case reason naming the problem (the reason goes to the dead
 * letters; the job goes on). The label's range (class index, 0/1) is not checked here but by
 * {@link ExampleValidator}, which knows the model; neither is the source's presence beyond what is
 * said below.
 *
 * <h2>Invalid in every format</h2>
 *
 * <ul>
 *   <li>an empty or blank row (only spaces/tabs): {@code empty line};
 *   <li>bytes that are not UTF-8 (overlong forms, surrogates, truncated sequences too):
 *       {@code bad utf-8 at byte N} (N counts from 1 within the row);
 *   <li>control characters U+0000–U+001F other than TAB, and U+007F:
 *       {@code control character U+0001 at column N} (N counts characters from 1);
 *   <li>a label that is missing, empty, not a number, or not finite ({@code NaN}, {@code Infinity},
 *       and in CSV/LibSVM also {@code nan}, {@code inf}, any case, or a number that overflows a
 *       double); with a {@code labelMap}: {@code label 'x' is not in labelMap};
 *   <li>a feature value that is missing, empty, not a number, not finite, or overflows to infinity
 *       as a float (beyond ±3.4e38): {@code feature 3 is not a finite number (1e39 overflows a float)};
 *   <li>the wrong number of dense features, or sparse indices out of range, repeated or not
 *       increasing;
 *   <li>a time that is not an integer or not within a long: {@code time is not an integer (epoch
 *       milliseconds), got '1.5'}; or that is negative: {@code time must be >= 0 (epoch
 *       milliseconds), got -149760689322}.
 * </ul>
 *
 * A reason names the first defect a user would fix, in the order the row reads: a LibSVM token
 * {@code 4:abc} after {@code 10:1} is a bad value ({@code value of index 4 is not a number (got
 * 'abc')}), not an index out of order; a CSV row that repeats the header is a {@code repeated header
 * line}, not a time that is not a number. A reason that refers to a setting names its job-spec key
 * ({@code input.hashing.bits}, {@code input.labelNames}, {@code input.fields.label}, ...).
 *
 * Tolerated everywhere: a UTF-8 byte-order mark at the start of a row (editors write one at the
 * start of a file) and a single trailing CR (CRLF line ends).
 *
 * <p>Numbers in CSV and LibSVM are decimal: {@code [+-]? (digits [. digits?] | . digits)
 * ([eE] [+-]? digits)?}; JSON numbers follow JSON. A time is integer epoch milliseconds. A row
 * without a time gets {@link JsonLineParser#NO_TIMESTAMP}.
 *
 * <h2>JSONL</h2>
 *
 * One JSON object; keys named by the options ({@code source}, {@code time}, {@code label},
 * {@code features}, {@code indices}, {@code values}, {@code text} by default).
 *
 * <ul>
 *   <li>source: a non-blank string or an integer (kept as written: {@code 42} is source "42");
 *       required when {@code sourceField} is set, else the key is unknown;
 *   <li>unknown keys ({@link FormatOptions#unknownFields()}): skipped by default, their values still
 *       having to be valid JSON ({@code field 'meta' is not valid JSON (non-standard token 'NaN')}),
 *       and counted in {@link RowParser#unknownFields()} (a row then missing a required field names
 *       the first one: {@code missing label (unknown field 'lable' was ignored)}); with REJECT the
 *       row is invalid: {@code unknown field 'meta'};
 *   <li>time: optional integer; label: required number (with a labelMap: a string or number
 *       looked up by its text);
 *   <li>exactly one feature form: {@code features} (array of exactly {@code features} finite
 *       numbers), or {@code indices} (strictly increasing integers in {@code [0, features)}) with
 *       {@code values} (as many finite numbers), or {@code text} (a string hashed by
 *       {@link FeatureHasher}; without {@code hashing} in the options the row is invalid:
 *       {@code text needs hashing configured (set input.hashing.bits, or remove the text field)}).
 *       A text without words gives no features.
 *   <li>invalid: not JSON or truncated, not an object, trailing content after the object, unknown
 *       keys (with REJECT), duplicate keys, a field of the wrong type, two feature forms,
 *       {@code indices} without {@code values} or of a different length.
 * </ul>
 *
 * <h2>CSV</h2>
 *
 * RFC 4180 fields: a field may be quoted with double quotes ({@code ""} inside is a quote, the
 * delimiter inside is literal, spaces around the quotes are ignored); a quote inside an unquoted
 * field, text after a closing quote and a quoted field not closed on its row are invalid (fields
 * cannot span lines). The delimiter is {@code csvDelimiter}.
 *
 * <ul>
 *   <li>with a header ({@code csvHeader}, the default): the source, time and label columns are found
 *       by name (names are unquoted and stripped of surrounding spaces); every other column is a
 *       feature, in header order. The header is checked when the parser is made and a problem
 *       throws {@link FormatException}: duplicate column names, no label column, no source or time
 *       column while {@code sourceField}/{@code timeField} is set (set it to {@code null} when the
 *       data has none), or a number of feature columns other than {@code features};
 *   <li>without a header: positional columns source (only when {@code sourceField} is set), time
 *       (only when {@code timeField} is set), label, then the {@code features} feature columns;
 *   <li>with {@code hashing}: a text column (named {@code textField}, or positionally after the
 *       label) replaces the feature columns, and a header may have no other columns;
 *   <li>every row has exactly the expected number of columns: {@code expected 787 columns, got 786};
 *       a row whose text is the header's (files concatenated with their headers) is a
 *       {@code repeated header line};
 *   <li>values: the source is taken verbatim (spaces are part of it) and must not be blank; numbers
 *       may have spaces or tabs around them; an empty time means no time; an empty label or feature
 *       is invalid: {@code feature 3 (column 6) is empty}.
 * </ul>
 *
 * <h2>LibSVM / SVMlight</h2>
 *
 * {@code label index:value index:value ... # comment}, tokens separated by spaces or tabs, the
 * comment optional. Indices count from {@code libsvmIndexBase} (1 by default, as in LibSVM) and are
 * shifted to 0-based; they must be strictly increasing and in range ({@code index 785 is out of
 * range [1, 784]}, {@code index 5 is repeated}, {@code index 3 comes after index 5 ...}), each
 * token's value checked before its index's place among the others. Examples
 * are sparse (explicit zeros kept), have no source ({@code null}) and no time. {@code qid:} tokens
 * are invalid ({@code qid is not supported}), and so is a row that is only a comment.
 *
 * <h2>IDX</h2>
 *
 * A binary format with no rows: {@link #create} rejects it.
 */
public final class RowParsers {

    private RowParsers() {}

    /**
     * The parser of {@code options.format()}.
     *
     * @param headerRow the CSV header row (the first line of the file, without its terminator) when
     *     the format is CSV with {@code csvHeader}; {@code null} otherwise
     * @throws FormatException when the CSV header does not fit the options (see above)
     * @throws IllegalArgumentException for IDX, or a header row given or missing against the options
     */
    public static RowParser create(FormatOptions options, byte[] headerRow) {
        return create(options, headerRow, null);
    }

    /**
     * {@link #create(FormatOptions, byte[])}, counting skipped unknown JSON keys into {@code tally}
     * (shared by the parsers of one reader's files), or into a tally of its own when it is null.
     */
    public static RowParser create(FormatOptions options, byte[] headerRow, UnknownFieldTally tally) {
        if (options == null) {
            throw new IllegalArgumentException("format options are required");
        }
        boolean wantsHeader = options.format() == InputFormat.CSV && options.csvHeader();
        if (options.format() == InputFormat.IDX) {
            throw new IllegalArgumentException("idx is a binary format and has no row parser");
        }
        if (wantsHeader && headerRow == null) {
            throw new IllegalArgumentException("csv with csvHeader needs the header row");
        }
        if (!wantsHeader && headerRow != null) {
            throw new IllegalArgumentException("a header row is only for csv with csvHeader, not for "
                    + options.format().name().toLowerCase()
                    + (options.format() == InputFormat.CSV ? " without a header" : ""));
        }
        AbstractRowParser parser = switch (options.format()) {
            case JSONL -> new JsonRowParser(options);
            case CSV -> CsvRowParser.create(options, headerRow);
            case LIBSVM -> new LibSvmRowParser(options);
            case IDX -> throw new AssertionError();
        };
        if (tally != null) {
            parser.shareUnknownFields(tally);
        }
        return parser;
    }
}
