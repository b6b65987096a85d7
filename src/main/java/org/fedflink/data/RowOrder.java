package org.fedflink.data;

import java.io.Serializable;

/**
 * The order in which a bounded data set of {@code n} rows is replayed for {@code passes} passes:
 * position {@code i} of the replay ({@code 0 <= i < n * passes}) reads row {@link #rowAt(long)
 * rowAt(i)}. Pass {@code p = i / n} visits every row exactly once; with {@code shuffle} each pass
 * uses its own pseudo-random permutation (different per pass and per seed, identical for the same
 * seed), without it every pass is in file order.
 *
 * <p>The permutation is computed, not stored: O(1) memory and O(1) expected time per
 * {@code rowAt}, for any {@code n} up to {@code Long.MAX_VALUE}, so a reader can start at any
 * position (e.g. after restoring a checkpoint) without replaying the ones before it. It is a keyed
 * bijection on {@code [0, n)}: an 8-round Feistel network on the {@code k}-bit integers, where
 * {@code 2^k} is the next power of two {@code >= n} (unbalanced halves when {@code k} is odd), made
 * to stay in {@code [0, n)} by cycle walking — re-encrypting until the value falls inside — which
 * takes fewer than 2 rounds of the network on average since {@code 2^k < 2n}. The round keys come
 * from {@link SplitMix64} seeded by ({@code seed}, pass); the round function is SplitMix64's
 * finalizer. This is a shuffle for learning (well mixed, reproducible), not a cryptographic one.
 *
 * <p>Immutable, serializable and thread-safe.
 *
 * @param n rows in the data set, {@code >= 0}
 * @param passes passes over the data set, {@code >= 1}
 * @param shuffle whether each pass is shuffled (otherwise rows come in file order every pass)
 * @param seed the shuffle seed
 */
public record RowOrder(long n, int passes, boolean shuffle, long seed) implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int ROUNDS = 8;
    /** The stream family of the per-pass keys (keeps them unrelated to other uses of the seed). */
    private static final long KEY_FAMILY = 0x524f574f52444552L; // "ROWORDER"

    public RowOrder {
        if (n < 0) {
            throw new IllegalArgumentException("row count must not be negative (got " + n + ")");
        }
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be at least 1 (got " + passes + ")");
        }
        if (n > 0 && passes > Long.MAX_VALUE / n) {
            throw new IllegalArgumentException(n + " rows x " + passes + " passes overflow a long");
        }
    }

    /** The length of the replay: {@code n * passes}. */
    public long size() {
        return n * passes;
    }

    /** The pass that position {@code i} belongs to. */
    public int passOf(long i) {
        checkPosition(i);
        return (int) (i / n);
    }

    /**
     * The row read at position {@code i} of the replay.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
     */
    public long rowAt(long i) {
        checkPosition(i);
        return permute((int) (i / n), i % n);
    }

    /**
     * Where row order {@code pass} puts position {@code j} of that pass: a permutation of
     * {@code [0, n)} for each pass.
     */
    public long permute(int pass, long j) {
        if (pass < 0 || pass >= passes) {
            throw new IndexOutOfBoundsException("pass " + pass + " out of bounds for " + passes + " passes");
        }
        if (j < 0 || j >= n) {
            throw new IndexOutOfBoundsException("position " + j + " out of bounds for " + n + " rows");
        }
        return !shuffle || n == 1 ? j : walk(j, roundKeys(pass));
    }

    /**
     * Pass {@code pass}'s permutation with its round keys worked out once, for reading a pass
     * position after position ({@link #permute} works them out on every call).
     */
    public Permutation permutation(int pass) {
        if (pass < 0 || pass >= passes) {
            throw new IndexOutOfBoundsException("pass " + pass + " out of bounds for " + passes + " passes");
        }
        return new Permutation(pass, !shuffle || n == 1 ? null : roundKeys(pass));
    }

    /** One pass's permutation of {@code [0, n)}; the same as {@link #permute} for its pass. */
    public final class Permutation {
        private final int pass;
        private final long[] roundKeys;

        private Permutation(int pass, long[] roundKeys) {
            this.pass = pass;
            this.roundKeys = roundKeys;
        }

        public int pass() {
            return pass;
        }

        /** Where this pass puts its position {@code j}, {@code 0 <= j < n}. */
        public long apply(long j) {
            if (j < 0 || j >= n) {
                throw new IndexOutOfBoundsException("position " + j + " out of bounds for " + n + " rows");
            }
            return roundKeys == null ? j : walk(j, roundKeys);
        }
    }

    /** Cycle walking: terminates since the network is a bijection on {@code [0, 2^bits)}. */
    private long walk(long j, long[] roundKeys) {
        int bits = 64 - Long.numberOfLeadingZeros(n - 1); // 2^bits >= n, bits >= 1
        long x = j;
        do {
            x = encrypt(x, bits, roundKeys);
        } while (x >= n);
        return x;
    }

    /** The round keys of pass {@code pass}: the first outputs of SplitMix64 seeded with its pass key. */
    private long[] roundKeys(int pass) {
        long[] keys = SplitMix64.streamKeys(seed, KEY_FAMILY);
        long passKey = SplitMix64.streamSeed(keys[0], keys[1], pass);
        long[] roundKeys = new long[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            roundKeys[r] = SplitMix64.mix64(passKey + (r + 1) * SplitMix64.GOLDEN);
        }
        return roundKeys;
    }

    /** One application of the Feistel network on {@code bits}-bit integers. */
    private static long encrypt(long x, int bits, long[] roundKeys) {
        int leftBits = bits / 2;
        int rightBits = bits - leftBits;
        for (int r = 0; r < ROUNDS; r++) {
            long rightMask = (1L << rightBits) - 1;
            long leftMask = (1L << leftBits) - 1;
            long left = x >>> rightBits;
            long right = x & rightMask;
            long f = SplitMix64.mix64(right ^ roundKeys[r]);
            // (L, R) -> (R, L ^ F(R)): invertible whatever F is; the halves swap widths
            x = (right << leftBits) | ((left ^ f) & leftMask);
            int t = leftBits;
            leftBits = rightBits;
            rightBits = t;
        }
        return x;
    }

    private void checkPosition(long i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("position " + i + " out of bounds for " + size() + " (" + n
                    + " rows x " + passes + " passes)");
        }
    }
}
