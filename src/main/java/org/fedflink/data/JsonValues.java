package org.fedflink.data;

import static org.fedflink.data.JsonErrorReasons.describe;
import static org.fedflink.data.JsonErrorReasons.shorten;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Map;

/**
 * Reads the value of one known field of a JSON row from Jackson's token stream and checks it: the
 * source, time and label scalars, and each element of the feature arrays (the array loops stay in
 * {@link JsonRowParser}, which tracks the element for low-level error reasons). Reasons name the
 * field as the options do.
 *
 * <p>Static, with the field's name and settings passed in, so the row loop reaches them without
 * an object in between.
 */
final class JsonValues {

    private JsonValues() {}

    /** A non-blank string or an integer kept as written; null for {@code null} in a row to score. */
    static String readSource(JsonParser p, String field, boolean scoring) throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL && scoring) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            String source = p.getText();
            RowValueRules.checkSource(field, source);
            return source;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getText();
        }
        String got = t == JsonToken.VALUE_NUMBER_FLOAT ? shorten(p.getText()) : describe(t);
        throw new InvalidRecordException(field + " is not a string or an integer (got " + got + ")");
    }

    /** Epoch milliseconds: an integer, not negative, within a long. */
    static long readTime(JsonParser p, String field) throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType nt = p.getNumberType();
            boolean fits = nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG;
            if (fits ? p.getLongValue() < 0 : p.getBigIntegerValue().signum() < 0) {
                throw TextNumbers.negativeTime(field, shorten(p.getText()));
            }
            if (!fits) {
                throw new InvalidRecordException(
                        field + " " + shorten(p.getText()) + " is out of range for epoch milliseconds");
            }
            return p.getLongValue();
        }
        String got = t == JsonToken.VALUE_NUMBER_FLOAT ? shorten(p.getText()) : describe(t);
        throw new InvalidRecordException(field + " is not an integer (epoch milliseconds), got " + got);
    }

    /**
     * A finite number; with a label map, a string or number whose text is a label name; NaN for
     * {@code null} in a row to score.
     */
    static double readLabel(JsonParser p, String field, Map<String, Double> labelMap, boolean scoring)
            throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL && scoring) {
            return Double.NaN;
        }
        boolean number = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
        if (labelMap != null) {
            if (!number && t != JsonToken.VALUE_STRING) {
                throw new InvalidRecordException(field + " is not a string or a number (got " + describe(t) + ")");
            }
            String key = p.getText();
            Double mapped = labelMap.get(key);
            if (mapped == null) {
                throw RowValueRules.notALabelName(field, shorten(key));
            }
            return mapped;
        }
        if (!number) {
            throw new InvalidRecordException(field + " is not a number (got " + describe(t) + ")");
        }
        double label = p.getDoubleValue();
        if (!Double.isFinite(label)) {
            throw new InvalidRecordException(
                    field + " is not a finite number (" + shorten(p.getText()) + " overflows)");
        }
        return label;
    }

    static void expectArray(JsonParser p, String field) throws IOException, InvalidRecordException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_ARRAY) {
            throw new InvalidRecordException(field + " is not an array (got " + describe(t) + ")");
        }
    }

    /** A feature value: a number that is finite as a float. {@code what} is "feature " or "values[". */
    static float readFloat(JsonParser p, JsonToken t, String what, int i) throws IOException, InvalidRecordException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            float v = p.getFloatValue();
            if (Float.isFinite(v)) {
                return v;
            }
            throw new InvalidRecordException(
                    name(what, i) + " is not a finite number (" + shorten(p.getText()) + " overflows a float)");
        }
        if (t == JsonToken.VALUE_STRING) {
            throw new InvalidRecordException(
                    name(what, i) + " is not a finite number (got string \"" + shorten(p.getText()) + "\")");
        }
        throw new InvalidRecordException(name(what, i) + " is not a finite number (got " + describe(t) + ")");
    }

    private static String name(String what, int i) {
        return what.endsWith("[") ? what + i + "]" : what + i;
    }

    /**
     * The {@code i}-th sparse index: a non-negative int, below {@code features} when that is
     * declared (> 0). Their order is the caller's to check.
     */
    static int readIndex(JsonParser p, JsonToken t, int i, String field, int features)
            throws IOException, InvalidRecordException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.INT) {
                throw new InvalidRecordException(element(field, i) + " is out of range" + range(features) + " ("
                        + shorten(p.getText()) + ")");
            }
            int v = p.getIntValue();
            if (v < 0) {
                throw new InvalidRecordException(element(field, i) + " is negative (" + v + ")");
            }
            if (features > 0 && v >= features) {
                throw new InvalidRecordException(
                        element(field, i) + " is out of range" + range(features) + " (" + v + ")");
            }
            return v;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidRecordException(element(field, i) + " is not an integer (" + shorten(p.getText()) + ")");
        }
        throw new InvalidRecordException(element(field, i) + " is not an integer (got " + describe(t) + ")");
    }

    private static String element(String field, int i) {
        return field + "[" + i + "]";
    }

    private static String range(int features) {
        return features > 0 ? " [0, " + features + ")" : "";
    }
}
