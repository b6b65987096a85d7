package org.fedflink.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * The wording of JSON rows' reasons: Jackson's low-level errors turned into the one-line reasons of
 * {@link RowParsers}, named after the field and element where parsing stopped ("truncated JSON
 * (unexpected end of input in features at feature 2)"), and the helpers every JSON reason uses to
 * show a token or a piece of the row.
 *
 * <p>Only called once a row is known to be invalid, so it may allocate freely.
 */
final class JsonErrorReasons {

    // where the row loop was when a low-level error happened
    static final int CTX_OBJECT = 0;
    static final int CTX_SOURCE = 1;
    static final int CTX_TIME = 2;
    static final int CTX_LABEL = 3;
    static final int CTX_FEATURES = 4;
    static final int CTX_INDICES = 5;
    static final int CTX_VALUES = 6;
    static final int CTX_TEXT = 7;
    static final int CTX_TRAILING = 8;

    private JsonErrorReasons() {}

    /**
     * The reason for a low-level JSON error.
     *
     * @param p the parser, for the key whose value failed (may be null)
     * @param ctx where the row loop was ({@code CTX_*})
     * @param pos the array element being read, in an array field
     * @param length the row's length in characters
     * @param rejectUnknown whether an unknown key makes the row invalid (else its value only has to
     *     be valid JSON)
     */
    static String reason(JsonProcessingException e, JsonParser p, int ctx, int pos, int length, JsonFields fields,
            boolean rejectUnknown) {
        if (ctx == CTX_TRAILING) {
            return "trailing content after the JSON object";
        }
        String msg = e.getOriginalMessage();
        msg = msg == null ? "" : oneLine(msg);
        // a number cut at the end of the line ("1.", "2e", "-") is reported at its last character
        boolean atEnd = e.getLocation() != null && e.getLocation().getCharOffset() >= length - 1
                && msg.contains("in numeric value");
        if (e instanceof JsonEOFException || msg.contains("end-of-input") || atEnd) {
            return "truncated JSON (unexpected end of input" + where(ctx, pos, fields) + ")";
        }
        boolean badToken = msg.startsWith("Non-standard token") || msg.startsWith("Unrecognized token")
                || msg.startsWith("Invalid numeric value") || msg.startsWith("Number value length");
        String field = null;
        if (badToken && ctx == CTX_OBJECT && p != null) {
            // Jackson reads a scalar value together with its field name, so a bad value token
            // fails in nextFieldName(): the field is the parser's current name
            JsonStreamContext c = p.getParsingContext();
            if (c != null && c.inObject() && c.getParent() != null && c.getParent().inRoot()) {
                field = c.getCurrentName();
            }
        }
        if (badToken && field != null) {
            switch (fields.roleOf(field)) {
                case JsonFields.TIME -> ctx = CTX_TIME;
                case JsonFields.LABEL -> ctx = CTX_LABEL;
                case JsonFields.SOURCE -> {
                    return fields.sourceField + " is not a string or an integer (non-standard token: "
                            + lowerFirst(msg) + ")";
                }
                case JsonFields.TEXT -> {
                    return fields.textField + " is not a string (non-standard token: " + lowerFirst(msg) + ")";
                }
                case JsonFields.FEATURES, JsonFields.INDICES, JsonFields.VALUES -> {
                    return field + " is not an array (non-standard token: " + lowerFirst(msg) + ")";
                }
                default -> {
                    return rejectUnknown ? "unknown field '" + shorten(field) + "'"
                            : "field '" + shorten(field) + "' is not valid JSON (" + lowerFirst(msg) + ")";
                }
            }
        }
        if (badToken && ctx != CTX_OBJECT && ctx != CTX_SOURCE && ctx != CTX_TEXT) {
            String what = switch (ctx) {
                case CTX_TIME -> fields.timeField;
                case CTX_LABEL -> fields.labelField;
                case CTX_FEATURES -> "feature " + pos;
                case CTX_INDICES -> fields.indicesField + "[" + pos + "]";
                case CTX_VALUES -> fields.valuesField + "[" + pos + "]";
                default -> "value";
            };
            return what + " is not a finite number (non-finite or non-numeric value: " + lowerFirst(msg) + ")";
        }
        long column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        return "not valid JSON" + where(ctx, pos, fields) + (column > 0 ? " at column " + column : "") + ": "
                + lowerFirst(msg);
    }

    private static String where(int ctx, int pos, JsonFields f) {
        return switch (ctx) {
            case CTX_SOURCE -> " in " + f.sourceField;
            case CTX_TIME -> " in " + f.timeField;
            case CTX_LABEL -> " in " + f.labelField;
            case CTX_FEATURES -> " in " + f.featuresField + " at feature " + pos;
            case CTX_INDICES -> " in " + f.indicesField + " at " + f.indicesField + "[" + pos + "]";
            case CTX_VALUES -> " in " + f.valuesField + " at " + f.valuesField + "[" + pos + "]";
            case CTX_TEXT -> " in " + f.textField;
            default -> "";
        };
    }

    /**
     * For a "missing" reason: the unknown key skipped in the row, which is often the missing field
     * misspelt ("lable"), so that the reason names the defect to fix rather than its symptom.
     */
    static String ignored(String unknown) {
        return unknown == null ? "" : " (unknown field '" + shorten(unknown) + "' was ignored)";
    }

    /** A token as a reason shows what it got: "a string", "an array", "end of input". */
    static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name().toLowerCase() : "'" + t.asString() + "'";
        };
    }

    /** First line, without Jackson's "(for ...)" hints, and short enough for a dead letter. */
    static String oneLine(String s) {
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl);
        }
        int hint = s.indexOf(": enable `");
        if (hint >= 0) {
            s = s.substring(0, hint);
        }
        return shorten(s.strip(), 200);
    }

    private static String lowerFirst(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))) {
            return s;
        }
        // keep acronyms such as "JSON" intact
        if (s.length() > 1 && Character.isUpperCase(s.charAt(1))) {
            return s;
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * At most 40 characters of a JSON string or token, for a reason. Unlike
     * {@link TextNumbers#shorten(String)} it turns control characters into spaces: a JSON string
     * may carry them escaped, and a reason is one line.
     */
    static String shorten(String s) {
        return shorten(s, 40);
    }

    /** At most {@code max} characters, control characters (e.g. from JSON escapes) as spaces. */
    private static String shorten(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = null;
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(' ');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        String head = sb != null ? sb.toString() : s.substring(0, n);
        return s.length() > max ? head + "..." : head;
    }
}
