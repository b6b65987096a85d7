package org.fedflink.federation;

/**
 * A count of applied rounds kept in two entries of a {@code float[]} server state, 24 bits each
 * (floats hold integers up to 2^24 exactly), so it stays exact up to 2^48 rounds. Strategies that
 * need the round number (FedAdam's bias correction, the seed of DP noise) keep it in their own
 * state rather than asking the caller for it, so it is checkpointed and restored with the rest.
 * A zeroed state reads as round 0.
 */
final class RoundCounter {
    /** Number of state entries a counter takes. */
    static final int SIZE = 2;

    private static final int BITS = 24;
    private static final long MASK = (1L << BITS) - 1;

    private RoundCounter() {}

    /** Rounds applied so far, read from {@code state[offset]} and {@code state[offset + 1]}. */
    static long read(float[] state, int offset) {
        long low = (long) state[offset];
        long high = (long) state[offset + 1];
        return (high << BITS) | low;
    }

    static void increment(float[] state, int offset) {
        long next = read(state, offset) + 1;
        state[offset] = next & MASK;
        state[offset + 1] = next >>> BITS;
    }
}
