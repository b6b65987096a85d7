package org.fedflink.data;

import com.fasterxml.jackson.core.io.NumberInput;

/**
 * Number parsing for the text formats (CSV, LibSVM) straight from a {@code char[]} slice, without a
 * String per token. The syntax is checked here, strictly, and the conversion is left to Jackson's
 * correctly-rounding fast parser ({@link NumberInput}, FastDoubleParser inside).
 *
 * <p>A number is {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}: no spaces,
 * no hex, no {@code f}/{@code d} suffix, no {@code NaN}/{@code Infinity}/{@code nan}/{@code inf}.
 */
final class TextNumbers {

    private TextNumbers() {}

    /** Whether {@code c[s, e)} is a decimal number in the syntax above. */
    static boolean isDecimal(char[] c, int s, int e) {
        int i = s;
        if (i < e && (c[i] == '+' || c[i] == '-')) {
            i++;
        }
        int digits = 0;
        while (i < e && isDigit(c[i])) {
            i++;
            digits++;
        }
        if (i < e && c[i] == '.') {
            i++;
            while (i < e && isDigit(c[i])) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < e && (c[i] == 'e' || c[i] == 'E')) {
            i++;
            if (i < e && (c[i] == '+' || c[i] == '-')) {
                i++;
            }
            int exp = i;
            while (i < e && isDigit(c[i])) {
                i++;
            }
            if (i == exp) {
                return false;
            }
        }
        return i == e;
    }

    /** Whether {@code c[s, e)} spells NaN or infinity in any case, with an optional sign. */
    static boolean isNonFinite(char[] c, int s, int e) {
        if (s < e && (c[s] == '+' || c[s] == '-')) {
            s++;
        }
        return equalsIgnoreCase(c, s, e, "nan") || equalsIgnoreCase(c, s, e, "inf")
                || equalsIgnoreCase(c, s, e, "infinity");
    }

    /**
     * A feature value: {@code c[s, e)} as a float, or NaN when it is empty, not a number in the
     * syntax above, or overflows a float (a valid value is never NaN, so NaN means "invalid" and the
     * caller builds the reason with {@link #floatProblem} only then: no String on the valid path).
     */
    static float parseFloat(char[] c, int s, int e) {
        if (s == e || !isDecimal(c, s, e)) {
            return Float.NaN;
        }
        float v = NumberInput.parseFloat(c, s, e - s, true);
        return Float.isFinite(v) ? v : Float.NaN;
    }

    /**
     * Why {@link #parseFloat} returned NaN for {@code c[s, e)}; {@code what} names the value
     * ("feature 3"): "WHAT is empty", "WHAT is not a number (got 'x')", "WHAT is not a finite number
     * (got 'nan')" or "WHAT is not a finite number (1e39 overflows a float)".
     */
    static InvalidRecordException floatProblem(char[] c, int s, int e, String what) {
        InvalidRecordException syntax = syntaxProblem(c, s, e, what);
        return syntax != null ? syntax
                : new InvalidRecordException(what + " is not a finite number (" + shorten(c, s, e) + " overflows a float)");
    }

    /** A label value, finite as a double; reasons as {@link #floatProblem} ("... overflows"). */
    static double parseDouble(char[] c, int s, int e, String what) throws InvalidRecordException {
        InvalidRecordException syntax = syntaxProblem(c, s, e, what);
        if (syntax != null) {
            throw syntax;
        }
        double v = NumberInput.parseDouble(c, s, e - s, true);
        if (!Double.isFinite(v)) {
            throw new InvalidRecordException(what + " is not a finite number (" + shorten(c, s, e) + " overflows)");
        }
        return v;
    }

    /**
     * Epoch milliseconds: an optional sign and digits, not negative, within the range of a long.
     *
     * @throws InvalidRecordException "time is not an integer (epoch milliseconds), got '1.5'", "time
     *     must be >= 0 (epoch milliseconds), got -5" or "time 99999999999999999999 is out of range
     *     for epoch milliseconds"
     */
    static long parseTime(char[] c, int s, int e, String what) throws InvalidRecordException {
        int i = s;
        boolean negative = false;
        if (i < e && (c[i] == '+' || c[i] == '-')) {
            negative = c[i] == '-';
            i++;
        }
        boolean zero = true;
        for (int j = i; j < e; j++) {
            if (!isDigit(c[j])) {
                i = e; // not an integer at all: "1e99999999999999999999" is no out-of-range number
                break;
            }
            zero &= c[j] == '0';
        }
        if (i == e) {
            throw new InvalidRecordException(
                    what + " is not an integer (epoch milliseconds), got '" + shorten(c, s, e) + "'");
        }
        if (negative && !zero) {
            throw negativeTime(what, shorten(c, s, e));
        }
        long v = 0;
        for (; i < e; i++) {
            int d = c[i] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                throw new InvalidRecordException(
                        what + " " + shorten(c, s, e) + " is out of range for epoch milliseconds");
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** "time must be >= 0 (epoch milliseconds), got -5": an event time before 1970 is a defect, not data. */
    static InvalidRecordException negativeTime(String what, String written) {
        return new InvalidRecordException(what + " must be >= 0 (epoch milliseconds), got " + written);
    }

    private static InvalidRecordException syntaxProblem(char[] c, int s, int e, String what) {
        if (s == e) {
            return new InvalidRecordException(what + " is empty");
        }
        if (!isDecimal(c, s, e)) {
            return new InvalidRecordException(what + (isNonFinite(c, s, e) ? " is not a finite number" : " is not a number")
                    + " (got '" + shorten(c, s, e) + "')");
        }
        return null;
    }

    static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    private static boolean equalsIgnoreCase(char[] c, int s, int e, String word) {
        if (e - s != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            char ch = c[s + i];
            if (ch >= 'A' && ch <= 'Z') {
                ch += 'a' - 'A';
            }
            if (ch != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The text of {@code c[s, e)} cut to 40 characters, for a reason. */
    static String shorten(char[] c, int s, int e) {
        return e - s > 40 ? new String(c, s, 40) + "..." : new String(c, s, e - s);
    }

    /** {@code s} cut to 40 characters, for a reason. */
    static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
