package org.fedflink.data;

/**
 * The value rules the text formats have in common (a row's source, a label looked up in
 * {@code input.labelNames}, text to hash), kept in one place so that a CSV, JSONL or LibSVM row
 * with the same defect gets the same reason ({@link RowParsers} documents the wording).
 *
 * <p>Static, and nothing is allocated for a valid value: the parsers call these for every row.
 */
final class RowValueRules {

    private RowValueRules() {}

    /** The hasher of the options' text hashing, or null without hashing. */
    static FeatureHasher hasher(FormatOptions options) {
        return options.hashing() == null ? null : new FeatureHasher(options.hashing());
    }

    /**
     * Rejects a blank source: it would group the row with every other blank one under a name nobody
     * gave, and in CSV spaces are data (RFC 4180), so they cannot be read as "no source".
     */
    static void checkSource(String field, String source) throws InvalidRecordException {
        if (source.isBlank()) {
            throw new InvalidRecordException(field + (source.isEmpty() ? " is empty" : " is blank"));
        }
    }

    /**
     * The reason for a label that is not one of the label names. {@code shown} is the label as the
     * format shortens text for a reason (JSON turns escaped control characters into spaces; CSV
     * and LibSVM rows have none but tabs, kept), so the caller makes it, and only on this path.
     */
    static InvalidRecordException notALabelName(String field, String shown) {
        return new InvalidRecordException(field + " '" + shown + "' is not in input.labelNames");
    }

    /** The example of a row whose features are its text, hashed. */
    static Example hashed(FeatureHasher hasher, String source, long time, double label, String text) {
        SparseVector v = hasher.hash(text);
        return new Example(source, time, label, v.indices(), v.values());
    }
}
