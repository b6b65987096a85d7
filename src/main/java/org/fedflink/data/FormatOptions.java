package org.fedflink.data;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * How the rows of an input are laid out: the format, the declared feature dimension and the names
 * of the fields (JSONL keys, CSV header columns). Build with {@link #builder}; the canonical
 * constructor validates too (so a deserialized or hand-made instance is just as valid), throwing
 * {@link IllegalArgumentException} with a one-line message naming the option.
 *
 * @param format the declared format
 * @param features the declared feature dimension, >= 1: dense rows have exactly this many values,
 *     sparse indices are in {@code [0, features)}; with {@code hashing} it must equal
 *     {@code 2^hashing.bits}
 * @param sourceField the field (JSONL key or CSV column) holding the source; {@code null} when the
 *     data has no source (parsed examples then have a {@code null} source, to be assigned by a
 *     partitioner). Default {@code "source"}; always {@code null} for LibSVM and IDX.
 * @param timeField the field holding the event time (integer epoch milliseconds); {@code null} when
 *     the data has none. An example without a time gets {@link JsonLineParser#NO_TIMESTAMP}.
 *     Default {@code "time"}; always {@code null} for LibSVM and IDX.
 * @param labelField the field holding the label (required), default {@code "label"}
 * @param featuresField the JSONL key of dense features, default {@code "features"}
 * @param indicesField the JSONL key of sparse indices, default {@code "indices"}
 * @param valuesField the JSONL key of sparse values, default {@code "values"}
 * @param textField the JSONL key / CSV column of text to hash (needs {@code hashing}), default
 *     {@code "text"}
 * @param csvHeader whether a CSV input starts with a header row naming the columns, default true
 * @param csvDelimiter the CSV field separator, default {@code ','} (an ASCII character that cannot be
 *     part of a number or a quote: e.g. {@code '\t'}, {@code ';'}, {@code '|'})
 * @param libsvmIndexBase the first feature index of LibSVM rows, 1 (the LibSVM convention, default)
 *     or 0; indices are shifted so that examples are 0-based
 * @param labelMap optional: label text to label value ({@code "cat" -> 0}, {@code "+1" -> 1}); when
 *     set every label is looked up as text and a label not in the map is invalid. {@code null} =
 *     labels are numbers. Stored as an immutable copy.
 * @param hashing optional: how text is hashed into features; required for rows that carry text
 * @param csvIgnoredColumns header columns of a CSV input that are neither read nor counted as
 *     features (ids, another task's label); never null, empty by default
 * @param scoring whether the rows are to be scored by a trained model rather than trained on
 *     (prediction input): a row may then leave out its label (it parses as NaN) and its source
 *     (null); an empty CSV label or source field means the same; and a CSV header needs no label,
 *     source or time column. Headerless CSV and LibSVM rows keep their positional label. Unknown
 *     JSONL keys follow {@code unknownFields}, as in training. Default false.
 * @param unknownFields what a JSON record's keys that none of the field names above name do
 *     ({@code input.unknownFields}): {@link UnknownFields#IGNORE} skips them (their values must
 *     still be valid JSON) and counts them in the parser's {@link UnknownFieldTally};
 *     {@link UnknownFields#REJECT} makes the record invalid ({@code unknown field 'meta'}). Default
 *     (and {@code null}) IGNORE. Only JSONL has keys.
 */
public record FormatOptions(
        InputFormat format,
        int features,
        String sourceField,
        String timeField,
        String labelField,
        String featuresField,
        String indicesField,
        String valuesField,
        String textField,
        boolean csvHeader,
        char csvDelimiter,
        int libsvmIndexBase,
        Map<String, Double> labelMap,
        TextHashing hashing,
        java.util.Set<String> csvIgnoredColumns,
        boolean scoring,
        UnknownFields unknownFields)
        implements Serializable {

    /** What a JSON record's keys that the options do not name do ({@code input.unknownFields}). */
    public enum UnknownFields {
        /** Skip the key and its value, count the row and name the key once in the reader's log. */
        IGNORE,
        /** The record is invalid: {@code unknown field 'meta'}. */
        REJECT
    }

    public FormatOptions {
        if (unknownFields == null) {
            unknownFields = UnknownFields.IGNORE;
        }
        if (format == null) {
            throw new IllegalArgumentException("format is required");
        }
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        requireName("labelField", labelField);
        requireName("featuresField", featuresField);
        requireName("indicesField", indicesField);
        requireName("valuesField", valuesField);
        requireName("textField", textField);
        if (sourceField != null) {
            requireName("sourceField", sourceField);
        }
        if (timeField != null) {
            requireName("timeField", timeField);
        }
        String[] roles = {"sourceField", "timeField", "labelField", "featuresField", "indicesField", "valuesField",
                "textField"};
        String[] names = {sourceField, timeField, labelField, featuresField, indicesField, valuesField, textField};
        // only the names the format looks up must differ: a CSV label column may well be called "values"
        boolean[] used = switch (format) {
            case JSONL -> new boolean[] {true, true, true, true, true, true, true};
            case CSV -> new boolean[] {true, true, true, false, false, false, hashing != null};
            case LIBSVM, IDX -> new boolean[7];
        };
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            if (used[i] && names[i] != null) {
                String other = seen.putIfAbsent(names[i], roles[i]);
                if (other != null) {
                    throw new IllegalArgumentException(
                            other + " and " + roles[i] + " are both '" + names[i] + "'; field names must differ");
                }
            }
        }
        if (!isValidDelimiter(csvDelimiter)) {
            throw new IllegalArgumentException("csvDelimiter must be an ASCII character other than a quote, a line"
                    + " break, a space, a letter, a digit, '.', '+' or '-', got " + describe(csvDelimiter));
        }
        if (libsvmIndexBase != 0 && libsvmIndexBase != 1) {
            throw new IllegalArgumentException("libsvmIndexBase must be 0 or 1, got " + libsvmIndexBase);
        }
        if (labelMap != null) {
            if (labelMap.isEmpty()) {
                throw new IllegalArgumentException("labelMap must not be empty (leave it unset for numeric labels)");
            }
            for (Map.Entry<String, Double> e : labelMap.entrySet()) {
                if (e.getKey() == null || e.getKey().isEmpty()) {
                    throw new IllegalArgumentException("labelMap has an empty label text");
                }
                if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                    throw new IllegalArgumentException(
                            "labelMap value of '" + e.getKey() + "' must be a finite number, got " + e.getValue());
                }
            }
            labelMap = Map.copyOf(labelMap);
        }
        csvIgnoredColumns = csvIgnoredColumns == null ? java.util.Set.of() : java.util.Set.copyOf(csvIgnoredColumns);
        if (format == InputFormat.LIBSVM || format == InputFormat.IDX) {
            String name = format.name().toLowerCase();
            if (sourceField != null) {
                throw new IllegalArgumentException(name + " data has no source field: sourceField must be null, got '"
                        + sourceField + "' (sources are assigned by a partitioner)");
            }
            if (timeField != null) {
                throw new IllegalArgumentException(
                        name + " data has no time field: timeField must be null, got '" + timeField + "'");
            }
        }
        if (hashing != null) {
            if (format != InputFormat.JSONL && format != InputFormat.CSV) {
                throw new IllegalArgumentException(
                        "hashing applies to text in jsonl and csv rows, not to " + format.name().toLowerCase());
            }
            if (features != hashing.dimension()) {
                throw new IllegalArgumentException("features must equal 2^hashing.bits = " + hashing.dimension()
                        + " when hashing is set, got " + features);
            }
        }
    }

    /**
     * Options with the defaults: fields {@code source}, {@code time} (both {@code null} for LibSVM
     * and IDX), {@code label}, {@code features}, {@code indices}, {@code values}, {@code text}; CSV
     * with a header, comma-separated; LibSVM 1-based; no label map, no hashing; rows to train on;
     * unknown JSON keys ignored.
     */
    public static Builder builder(InputFormat format, int features) {
        return new Builder(format, features);
    }

    /** A builder holding these options, to derive modified options. */
    public Builder toBuilder() {
        Builder b = new Builder(format, features);
        b.sourceField = sourceField;
        b.timeField = timeField;
        b.labelField = labelField;
        b.featuresField = featuresField;
        b.indicesField = indicesField;
        b.valuesField = valuesField;
        b.textField = textField;
        b.csvHeader = csvHeader;
        b.csvDelimiter = csvDelimiter;
        b.libsvmIndexBase = libsvmIndexBase;
        b.labelMap = labelMap;
        b.hashing = hashing;
        b.csvIgnoredColumns = csvIgnoredColumns;
        b.scoring = scoring;
        b.unknownFields = unknownFields;
        return b;
    }

    private static void requireName(String option, String name) {
        if (name == null) {
            throw new IllegalArgumentException(option + " is required");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException(option + " must not be blank");
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException(option + " '" + name + "' has leading or trailing spaces");
        }
    }

    private static boolean isValidDelimiter(char c) {
        if (c >= 0x80 || c == '"' || c == '\n' || c == '\r' || c == ' ' || c == '.' || c == '+' || c == '-') {
            return false;
        }
        if (Character.isLetterOrDigit(c)) {
            return false;
        }
        // TAB is the one control character allowed (TSV); other controls are invalid in any row
        return c == '\t' || (c > 0x20 && c != 0x7f);
    }

    private static String describe(char c) {
        return c < 0x20 || c >= 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    /** Collects options; {@link #build} validates them. */
    public static final class Builder {
        private final InputFormat format;
        private final int features;
        private String sourceField;
        private String timeField;
        private String labelField = "label";
        private String featuresField = "features";
        private String indicesField = "indices";
        private String valuesField = "values";
        private String textField = "text";
        private boolean csvHeader = true;
        private char csvDelimiter = ',';
        private int libsvmIndexBase = 1;
        private Map<String, Double> labelMap;
        private TextHashing hashing;
        private java.util.Set<String> csvIgnoredColumns;
        private boolean scoring;
        private UnknownFields unknownFields = UnknownFields.IGNORE;

        private Builder(InputFormat format, int features) {
            this.format = format;
            this.features = features;
            boolean keyed = format != InputFormat.LIBSVM && format != InputFormat.IDX;
            this.sourceField = keyed ? "source" : null;
            this.timeField = keyed ? "time" : null;
        }

        /** The source field, or {@code null} when the data has no source. */
        public Builder sourceField(String name) {
            this.sourceField = name;
            return this;
        }

        /** The time field, or {@code null} when the data has no event time. */
        public Builder timeField(String name) {
            this.timeField = name;
            return this;
        }

        public Builder labelField(String name) {
            this.labelField = name;
            return this;
        }

        public Builder featuresField(String name) {
            this.featuresField = name;
            return this;
        }

        public Builder indicesField(String name) {
            this.indicesField = name;
            return this;
        }

        public Builder valuesField(String name) {
            this.valuesField = name;
            return this;
        }

        public Builder textField(String name) {
            this.textField = name;
            return this;
        }

        public Builder csvHeader(boolean header) {
            this.csvHeader = header;
            return this;
        }

        public Builder csvDelimiter(char delimiter) {
            this.csvDelimiter = delimiter;
            return this;
        }

        public Builder libsvmIndexBase(int base) {
            this.libsvmIndexBase = base;
            return this;
        }

        /** Label text to label value, or {@code null} for numeric labels. Copied by {@link #build}. */
        public Builder labelMap(Map<String, Double> map) {
            this.labelMap = map;
            return this;
        }

        /** CSV header columns to skip (neither read nor features). */
        public Builder csvIgnoredColumns(java.util.Set<String> columns) {
            this.csvIgnoredColumns = columns;
            return this;
        }

        /** Text hashing, or {@code null} for none. */
        public Builder hashing(TextHashing config) {
            this.hashing = config;
            return this;
        }

        /**
         * Rows to score rather than to train on: label, source and (CSV) time columns may be
         * missing. See {@link FormatOptions#scoring()}.
         */
        public Builder scoring(boolean forScoring) {
            this.scoring = forScoring;
            return this;
        }

        /** What unknown JSON keys do; {@code null} means the default, IGNORE. */
        public Builder unknownFields(UnknownFields policy) {
            this.unknownFields = policy;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid option */
        public FormatOptions build() {
            return new FormatOptions(format, features, sourceField, timeField, labelField, featuresField,
                    indicesField, valuesField, textField, csvHeader, csvDelimiter, libsvmIndexBase, labelMap,
                    hashing, csvIgnoredColumns, scoring, unknownFields);
        }
    }
}
