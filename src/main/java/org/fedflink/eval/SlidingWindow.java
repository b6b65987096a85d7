package org.fedflink.eval;

import java.io.Serializable;

/**
 * Prequential (test-then-train) accuracy and mean loss over exactly the most recent
 * {@code windowExamples} examples (all of them while fewer have been seen), fed the outcome of
 * every example: its loss and whether it was predicted correctly, in the order the examples were
 * folded into the model.
 *
 * <p>A ring of {@code windowExamples} losses (4 bytes each) and correct bits; the sums over the
 * window are kept as the ring turns, the loss sum recomputed from the ring once per turn so that
 * adding and subtracting does not drift.
 *
 * <h2>State</h2>
 *
 * {@link #toState()} / {@link #fromState(long[])} turn it into a single {@code long[]} (two losses
 * per entry, then the correct bits), so it can live in Flink operator state as a primitive array.
 * The state of the earlier, approximate window (chunks of whole updates, format 1) holds no
 * per-example outcomes: it restores as an empty window.
 *
 * <p>Not thread-safe.
 */
public final class SlidingWindow implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The largest window: its ring lives in checkpointed state. */
    public static final int MAX_EXAMPLES = 1_000_000;

    private static final long LEGACY_STATE_VERSION = 1;
    private static final long STATE_VERSION = 2;
    /** version, windowExamples, size, next. */
    private static final int STATE_HEADER = 4;

    private final int capacity;
    private final float[] losses;
    private final long[] correctBits;
    /** Where the next outcome goes; the oldest held is at {@code next - size} (mod capacity). */
    private int next;
    private int size;
    private long correctCount;
    private double lossSum;
    private int addsSinceRecompute;

    /**
     * @throws IllegalArgumentException unless {@code 1 <= windowExamples <= }{@value #MAX_EXAMPLES}
     */
    public SlidingWindow(long windowExamples) {
        if (windowExamples < 1 || windowExamples > MAX_EXAMPLES) {
            throw new IllegalArgumentException("windowExamples must be between 1 and " + MAX_EXAMPLES + ", got "
                    + windowExamples);
        }
        this.capacity = (int) windowExamples;
        this.losses = new float[capacity];
        this.correctBits = new long[(capacity + 63) / 64];
    }

    /**
     * Adds one example's outcome. A NaN or infinite loss is kept and shows in {@link #meanLoss()}
     * until the example leaves the window (a diverged model should be visible, not crash the job).
     *
     * @throws IllegalArgumentException if {@code loss} is negative
     */
    public void add(float loss, boolean correct) {
        if (loss < 0) {
            throw new IllegalArgumentException("loss must be >= 0, got " + loss);
        }
        boolean evictedNonFinite = false;
        if (size == capacity) {
            float evicted = losses[next];
            evictedNonFinite = !Float.isFinite(evicted);
            lossSum -= evicted;
            if (bit(next)) {
                correctCount--;
            }
        } else {
            size++;
        }
        losses[next] = loss;
        setBit(next, correct);
        lossSum += loss;
        if (correct) {
            correctCount++;
        }
        next = next + 1 == capacity ? 0 : next + 1;
        // a NaN or infinity cannot be subtracted out again
        if (evictedNonFinite || ++addsSinceRecompute >= capacity) {
            recomputeLossSum();
        }
    }

    /**
     * Adds the outcomes of {@code count} examples in order: {@code losses[i]} and bit {@code i} of
     * {@code correctBits} (bit {@code i % 64} of word {@code i / 64}; null: none correct).
     */
    public void addAll(float[] losses, long[] correctBits, int count) {
        for (int i = 0; i < count; i++) {
            add(losses[i], correctBits != null && (correctBits[i >>> 6] & (1L << i)) != 0);
        }
    }

    /** The window size asked for. */
    public long windowExamples() {
        return capacity;
    }

    /** The number of examples in the window: {@code min(seen, windowExamples)}. */
    public long examples() {
        return size;
    }

    /** Correct predictions over examples in the window; NaN when empty. */
    public double accuracy() {
        return size == 0 ? Double.NaN : (double) correctCount / size;
    }

    /** Mean loss per example in the window; NaN when empty. */
    public double meanLoss() {
        return size == 0 ? Double.NaN : lossSum / size;
    }

    /** Empties the window. */
    public void clear() {
        size = 0;
        next = 0;
        correctCount = 0;
        lossSum = 0;
        java.util.Arrays.fill(correctBits, 0);
    }

    /**
     * The window as one array: {@code [version, windowExamples, size, next, losses (two per
     * entry, as float bits), correct bits]}.
     */
    public long[] toState() {
        int lossWords = (capacity + 1) / 2;
        long[] state = new long[STATE_HEADER + lossWords + correctBits.length];
        state[0] = STATE_VERSION;
        state[1] = capacity;
        state[2] = size;
        state[3] = next;
        for (int i = 0; i < capacity; i += 2) {
            long low = Float.floatToRawIntBits(losses[i]) & 0xFFFFFFFFL;
            long high = i + 1 < capacity ? (long) Float.floatToRawIntBits(losses[i + 1]) << 32 : 0;
            state[STATE_HEADER + i / 2] = high | low;
        }
        System.arraycopy(correctBits, 0, state, STATE_HEADER + lossWords, correctBits.length);
        return state;
    }

    /**
     * Restores a window from {@link #toState()}; a state of the earlier approximate window gives
     * an empty window of its size.
     *
     * @throws IllegalArgumentException if the array is not a valid state
     */
    public static SlidingWindow fromState(long[] state) {
        if (state == null || state.length < 2) {
            throw new IllegalArgumentException("sliding window state is too short: "
                    + (state == null ? "null" : state.length + " entries"));
        }
        if (state[0] == LEGACY_STATE_VERSION) {
            return new SlidingWindow(Math.min(Math.max(1, state[1]), MAX_EXAMPLES));
        }
        if (state[0] != STATE_VERSION) {
            throw new IllegalArgumentException("sliding window state has unknown version " + state[0]);
        }
        if (state.length < STATE_HEADER || state[1] < 1 || state[1] > MAX_EXAMPLES) {
            throw new IllegalArgumentException("sliding window state has an invalid size");
        }
        SlidingWindow w = new SlidingWindow(state[1]);
        int lossWords = (w.capacity + 1) / 2;
        if (state.length != STATE_HEADER + lossWords + w.correctBits.length
                || state[2] < 0 || state[2] > w.capacity || state[3] < 0 || state[3] >= w.capacity) {
            throw new IllegalArgumentException("sliding window state of " + state.length
                    + " entries does not fit its window of " + w.capacity);
        }
        w.size = (int) state[2];
        w.next = (int) state[3];
        for (int i = 0; i < w.capacity; i++) {
            long word = state[STATE_HEADER + i / 2];
            w.losses[i] = Float.intBitsToFloat((int) (i % 2 == 0 ? word : word >>> 32));
        }
        System.arraycopy(state, STATE_HEADER + lossWords, w.correctBits, 0, w.correctBits.length);
        for (int k = 0; k < w.size; k++) {
            if (w.bit(w.held(k))) {
                w.correctCount++;
            }
        }
        w.recomputeLossSum();
        return w;
    }

    /** The ring index of the {@code k}-th oldest example held. */
    private int held(int k) {
        int i = next - size + k;
        return i < 0 ? i + capacity : i;
    }

    private boolean bit(int i) {
        return (correctBits[i >>> 6] & (1L << i)) != 0;
    }

    private void setBit(int i, boolean value) {
        if (value) {
            correctBits[i >>> 6] |= 1L << i;
        } else {
            correctBits[i >>> 6] &= ~(1L << i);
        }
    }

    private void recomputeLossSum() {
        double sum = 0;
        for (int k = 0; k < size; k++) {
            sum += losses[held(k)];
        }
        lossSum = sum;
        addsSinceRecompute = 0;
    }
}
