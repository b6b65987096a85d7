package org.fedflink.drift;

/**
 * Argument checks of the detector settings, so that every one reports a bad value in the same
 * words: the setting, what is allowed, and the value.
 */
final class Checks {
    private Checks() {}

    static double openUnit(String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), got " + value);
        }
        return value;
    }

    static double positive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
        return value;
    }

    static double nonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
        return value;
    }

    static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    static Mode mode(Mode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required (up, down or both)");
        }
        return mode;
    }

    /**
     * A detector's input. A NaN would poison the running sums for good, so it is refused rather
     * than folded in; the caller decides what a diverged example's figure is.
     */
    static double observation(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite, got " + value);
        }
        return value;
    }
}
