package org.fedflink.drift;

import java.util.Locale;

/**
 * Which changes of the monitored mean a detector reports. A rising loss or error rate is a model
 * falling behind its data, the change a trainer reacts to, hence {@link #UP}; a falling one is the
 * model catching up.
 */
public enum Mode {
    /** Report rises of the mean only. */
    UP("up", 1),
    /** Report falls of the mean only. */
    DOWN("down", 2),
    /** Report rises and falls. */
    BOTH("both", 3);

    private final String label;
    /** The mode's number in a detector's state; fixed, unlike the ordinal, if modes are added. */
    private final int code;

    Mode(String label, int code) {
        this.label = label;
        this.code = code;
    }

    /**
     * The mode named {@code up}, {@code down} or {@code both} (any case).
     *
     * @throws IllegalArgumentException naming the text and the allowed names
     */
    public static Mode parse(String text) {
        if (text != null) {
            for (Mode mode : values()) {
                if (mode.label.equals(text.toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException(
                "mode must be one of up, down, both, got " + (text == null ? "null" : "'" + text + "'"));
    }

    /** The lower-case name, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return label;
    }

    int code() {
        return code;
    }

    static Mode fromCode(int code) {
        for (Mode mode : values()) {
            if (mode.code == code) {
                return mode;
            }
        }
        throw new IllegalArgumentException("drift detector state has an unknown mode " + code);
    }
}
