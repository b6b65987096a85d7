package org.fedflink.drift;

/**
 * Argument checks of the detectors and their settings, so that every one reports a bad value in
 * the same words: the setting, what is allowed, and the value.
 */
final class Checks {
    private Checks() {}

    /**
     * @param allowed whether {@code value} is allowed (false for NaN: write the test so)
     * @param range what is allowed, for the message: {@code "in (0, 1)"}, {@code ">= 1"}
     */
    static double require(String name, double value, boolean allowed, String range) {
        if (!allowed) {
            throw new IllegalArgumentException(name + " must be " + range + ", got " + value);
        }
        return value;
    }

    static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** @param hint what to give, after "is required", e.g. {@code " (up, down or both)"}; may be empty */
    static <T> T required(String name, T value, String hint) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required" + hint);
        }
        return value;
    }

    /**
     * A detector's input. A NaN would poison the running sums for good, so it is refused rather
     * than folded in; the caller decides what a diverged example's figure is.
     */
    static double observation(double value) {
        return require("value", value, Double.isFinite(value), "finite");
    }
}
