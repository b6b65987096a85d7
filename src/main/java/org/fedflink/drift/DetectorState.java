package org.fedflink.drift;

import java.util.Arrays;

/**
 * The {@code double[]} form of a detector's state, shared by the detectors so that every state
 * opens the same way: {@code [version, kind, ...]}, then the detector's settings, then its
 * running figures. Counts are held as doubles, exact up to 2^53.
 *
 * <p>The version is the format of the whole array. A build reads only the versions it knows and
 * says so, as {@code KafkaWriterStateSerializer} does ("Unknown version: N"), rather than guess at
 * an array written by a newer build.
 */
final class DetectorState {
    private DetectorState() {}

    /** The format this build writes and reads. */
    static final int VERSION = 1;
    static final int ADWIN = 1;
    static final int PAGE_HINKLEY = 2;

    /**
     * The kind of detector whose state this is.
     *
     * @throws IllegalArgumentException if the array is null, too short, of another format version
     *     or of an unknown kind
     */
    static int kind(double[] state) {
        if (state == null || state.length < 2) {
            throw new IllegalArgumentException("drift detector state is too short: "
                    + (state == null ? "null" : state.length + " entries"));
        }
        if (state[0] != VERSION) {
            throw new IllegalArgumentException("Unknown version of a drift detector state: " + number(state[0])
                    + " (this build reads version " + VERSION + ")");
        }
        if (state[1] != ADWIN && state[1] != PAGE_HINKLEY) {
            throw new IllegalArgumentException("Unknown kind of drift detector in state: " + number(state[1])
                    + " (" + ADWIN + " = " + Adwin.NAME + ", " + PAGE_HINKLEY + " = " + PageHinkley.NAME + ")");
        }
        return (int) state[1];
    }

    /** Reads a state that must be of {@code kind}, after its two-entry header. */
    static Reader read(double[] state, int kind) {
        int actual = kind(state);
        if (actual != kind) {
            throw new IllegalArgumentException(
                    "the state is of detector " + name(actual) + ", not " + name(kind));
        }
        return new Reader(state, name(kind));
    }

    /** Starts a state of {@code kind} with room for {@code size} entries (it grows if need be). */
    static Writer write(int kind, int size) {
        return new Writer(kind, size);
    }

    private static String name(int kind) {
        return kind == ADWIN ? Adwin.NAME : PageHinkley.NAME;
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /** Reads the entries after the header in order, checking counts and the array's length. */
    static final class Reader {
        private final double[] state;
        private final String name;
        private int next = 2;

        private Reader(double[] state, String name) {
            this.state = state;
            this.name = name;
        }

        double next() {
            if (next >= state.length) {
                throw new IllegalArgumentException(
                        name + " state ends early: " + state.length + " entries do not hold the whole state");
            }
            return state[next++];
        }

        /** A whole number in {@code [min, max]}. */
        long nextCount(String what, long min, long max) {
            double value = next();
            if (!(value >= min && value <= max) || value != Math.rint(value)) {
                throw new IllegalArgumentException(name + " state has an invalid " + what + ": " + value);
            }
            return (long) value;
        }

        boolean nextFlag(String what) {
            return nextCount(what, 0, 1) == 1;
        }

        /** Whether entries are left to read (a state written before later fields were added has none). */
        boolean hasNext() {
            return next < state.length;
        }

        /** Checks that every entry was read. */
        void end() {
            if (next != state.length) {
                throw new IllegalArgumentException(name + " state has " + state.length + " entries, "
                        + (state.length - next) + " more than its content");
            }
        }
    }

    /** Appends entries after the header. */
    static final class Writer {
        private double[] state;
        private int size = 2;

        private Writer(int kind, int capacity) {
            state = new double[Math.max(capacity, 2)];
            state[0] = VERSION;
            state[1] = kind;
        }

        Writer add(double value) {
            if (size == state.length) {
                state = Arrays.copyOf(state, 2 * size);
            }
            state[size++] = value;
            return this;
        }

        Writer add(boolean flag) {
            return add(flag ? 1 : 0);
        }

        double[] toArray() {
            return size == state.length ? state : Arrays.copyOf(state, size);
        }
    }
}
