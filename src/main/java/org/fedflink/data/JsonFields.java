package org.fedflink.data;

import java.io.Serializable;

/**
 * The keys of a JSON row as the {@link FormatOptions} name them, and the role each one plays: what
 * {@link JsonRowParser} dispatches every key on, and what {@link JsonErrorReasons} names a
 * low-level error after. Roles are bits, so that the fields a row has shown are one int and a
 * duplicate key is found without allocating.
 */
final class JsonFields implements Serializable {

    private static final long serialVersionUID = 1L;

    static final int SOURCE = 1;
    static final int TIME = 2;
    static final int LABEL = 4;
    static final int FEATURES = 8;
    static final int INDICES = 16;
    static final int VALUES = 32;
    static final int TEXT = 64;

    final String sourceField;
    final String timeField;
    final String labelField;
    final String featuresField;
    final String indicesField;
    final String valuesField;
    final String textField;
    /** {@code valuesField + "["}, made once: element names are built only for a reason. */
    final String valuesPrefix;

    JsonFields(String sourceField, String timeField, String labelField, String featuresField, String indicesField,
            String valuesField, String textField) {
        this.sourceField = sourceField;
        this.timeField = timeField;
        this.labelField = labelField;
        this.featuresField = featuresField;
        this.indicesField = indicesField;
        this.valuesField = valuesField;
        this.textField = textField;
        this.valuesPrefix = valuesField + "[";
    }

    static JsonFields of(FormatOptions options) {
        return new JsonFields(options.sourceField(), options.timeField(), options.labelField(),
                options.featuresField(), options.indicesField(), options.valuesField(), options.textField());
    }

    /** The role of a key, or 0 when it is not a known field. */
    int roleOf(String name) {
        if (name.equals(sourceField)) {
            return SOURCE;
        }
        if (name.equals(timeField)) {
            return TIME;
        }
        if (name.equals(labelField)) {
            return LABEL;
        }
        if (name.equals(featuresField)) {
            return FEATURES;
        }
        if (name.equals(indicesField)) {
            return INDICES;
        }
        if (name.equals(valuesField)) {
            return VALUES;
        }
        if (name.equals(textField)) {
            return TEXT;
        }
        return 0;
    }

    /** Rejects a second feature form; {@code seen} already includes the field being read. */
    void checkOneForm(int seen) throws InvalidRecordException {
        boolean hasDense = (seen & FEATURES) != 0;
        boolean hasSparse = (seen & (INDICES | VALUES)) != 0;
        boolean hasText = (seen & TEXT) != 0;
        String sparse = indicesField + "/" + valuesField;
        if (hasDense && hasSparse) {
            throw new InvalidRecordException("both " + featuresField + " and " + sparse + " given");
        }
        if (hasText && hasDense) {
            throw new InvalidRecordException("both " + textField + " and " + featuresField + " given");
        }
        if (hasText && hasSparse) {
            throw new InvalidRecordException("both " + textField + " and " + sparse + " given");
        }
    }
}
