package org.fedflink.eval;

import java.io.Serializable;

/**
 * Prequential (test-then-train) accuracy and mean loss over roughly the most recent
 * {@code windowExamples} examples, fed in aggregated chunks: the pipeline sees one
 * {@code (samples, correct, lossSum)} triple per model update, not single examples.
 *
 * <h2>Approximation</h2>
 *
 * A chunk is never split (nothing says how its examples were spread inside it). After each
 * {@link #add}, whole oldest chunks are dropped <b>while the remaining chunks still hold at least
 * {@code windowExamples} examples</b>. So once that many examples have been seen,
 * {@code windowExamples <= examples() < windowExamples + (size of the oldest chunk kept)}; before
 * that, the window holds everything seen so far.
 *
 * <h2>Bounded memory</h2>
 *
 * At most {@code maxChunks} chunks are kept (default {@value #DEFAULT_MAX_CHUNKS}). When an add
 * would exceed that, the two adjacent chunks with the smallest combined size are merged first, so
 * chunks stay of similar size (about {@code 2 * windowExamples / maxChunks} when updates are small)
 * and the overshoot above stays small; a merged chunk is evicted as one. Merging the smallest pair,
 * not simply the oldest pair, keeps the oldest chunk from growing without bound.
 *
 * <h2>State</h2>
 *
 * Serializable, and {@link #toState()} / {@link #fromState(long[])} turn it into a single
 * {@code long[]} (doubles stored as their raw bits) so it can live in Flink operator state as a
 * primitive array, with no custom serializer.
 *
 * <p>Not thread-safe.
 */
public final class SlidingWindow implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The number of chunks kept unless a constructor says otherwise. */
    public static final int DEFAULT_MAX_CHUNKS = 64;

    /** Version tag at the start of {@link #toState()}, so a changed layout is detected on restore. */
    private static final long STATE_VERSION = 1;
    /** version, windowExamples, maxChunks, chunk count. */
    private static final int STATE_HEADER = 4;

    private final long windowExamples;
    private final int maxChunks;
    /** Chunks from oldest (index 0) to newest (index size - 1). */
    private final long[] samples;
    private final long[] correct;
    private final double[] lossSums;
    private int size;

    private long totalSamples;
    private long totalCorrect;
    private double totalLoss;

    /** A window of about {@code windowExamples} examples with at most {@value #DEFAULT_MAX_CHUNKS} chunks. */
    public SlidingWindow(long windowExamples) {
        this(windowExamples, DEFAULT_MAX_CHUNKS);
    }

    /**
     * @throws IllegalArgumentException if {@code windowExamples < 1} or {@code maxChunks < 2} (one
     *     chunk could not both keep the window and take a new update)
     */
    public SlidingWindow(long windowExamples, int maxChunks) {
        if (windowExamples < 1) {
            throw new IllegalArgumentException("windowExamples must be >= 1, got " + windowExamples);
        }
        if (maxChunks < 2) {
            throw new IllegalArgumentException("maxChunks must be >= 2, got " + maxChunks);
        }
        this.windowExamples = windowExamples;
        this.maxChunks = maxChunks;
        this.samples = new long[maxChunks];
        this.correct = new long[maxChunks];
        this.lossSums = new double[maxChunks];
    }

    /**
     * Adds the outcome of one update: {@code samples} examples, {@code correct} of them predicted
     * correctly (pass 0 for regression and ignore {@link #accuracy()}), with summed loss
     * {@code lossSum}. An empty chunk ({@code samples == 0}) is ignored.
     *
     * @param lossSum the sum of the examples' losses; NaN or +infinity is accepted and shows in
     *     {@link #meanLoss()} until the chunk leaves the window (a diverged model should be visible,
     *     not crash the job)
     * @throws IllegalArgumentException if {@code samples < 0}, {@code correct} is outside
     *     {@code [0, samples]}, or {@code lossSum < 0}
     */
    public void add(long samples, long correct, double lossSum) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
        if (correct < 0 || correct > samples) {
            throw new IllegalArgumentException("correct must be in [0, samples=" + samples + "], got " + correct);
        }
        if (lossSum < 0) {
            throw new IllegalArgumentException("lossSum must be >= 0, got " + lossSum);
        }
        if (samples == 0) {
            return;
        }
        if (size == maxChunks) {
            mergeSmallestAdjacentPair();
        }
        this.samples[size] = samples;
        this.correct[size] = correct;
        this.lossSums[size] = lossSum;
        size++;
        evict();
    }

    /** The window size asked for. */
    public long windowExamples() {
        return windowExamples;
    }

    /** The number of examples currently in the window (see the class comment for the bounds). */
    public long examples() {
        return totalSamples;
    }

    /** Correct predictions over examples in the window; NaN when empty. */
    public double accuracy() {
        return totalSamples == 0 ? Double.NaN : (double) totalCorrect / totalSamples;
    }

    /** Mean loss per example in the window; NaN when empty. */
    public double meanLoss() {
        return totalSamples == 0 ? Double.NaN : totalLoss / totalSamples;
    }

    /** The number of chunks held (at most {@code maxChunks}). */
    public int chunks() {
        return size;
    }

    /** Empties the window. */
    public void clear() {
        size = 0;
        recomputeTotals();
    }

    /**
     * The window as one array: {@code [version, windowExamples, maxChunks, n, samples_0..n-1,
     * correct_0..n-1, doubleToRawLongBits(lossSum_0)..]}, oldest chunk first.
     */
    public long[] toState() {
        long[] state = new long[STATE_HEADER + 3 * size];
        state[0] = STATE_VERSION;
        state[1] = windowExamples;
        state[2] = maxChunks;
        state[3] = size;
        for (int i = 0; i < size; i++) {
            state[STATE_HEADER + i] = samples[i];
            state[STATE_HEADER + size + i] = correct[i];
            state[STATE_HEADER + 2 * size + i] = Double.doubleToRawLongBits(lossSums[i]);
        }
        return state;
    }

    /**
     * Restores a window from {@link #toState()}, with its window size and chunk cap.
     *
     * @throws IllegalArgumentException if the array is not a valid state of this version
     */
    public static SlidingWindow fromState(long[] state) {
        if (state == null || state.length < STATE_HEADER) {
            throw new IllegalArgumentException("sliding window state is too short: "
                    + (state == null ? "null" : state.length + " entries"));
        }
        if (state[0] != STATE_VERSION) {
            throw new IllegalArgumentException("sliding window state has unknown version " + state[0]);
        }
        if (state[2] < 2 || state[2] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sliding window state has an invalid maxChunks " + state[2]);
        }
        SlidingWindow w = new SlidingWindow(state[1], (int) state[2]);
        long n = state[3];
        if (n < 0 || n > w.maxChunks || state.length != STATE_HEADER + 3 * n) {
            throw new IllegalArgumentException("sliding window state has " + state.length
                    + " entries, which does not fit its chunk count " + n + " (max " + w.maxChunks + ")");
        }
        int size = (int) n;
        for (int i = 0; i < size; i++) {
            long s = state[STATE_HEADER + i];
            long c = state[STATE_HEADER + size + i];
            double loss = Double.longBitsToDouble(state[STATE_HEADER + 2 * size + i]);
            if (s < 1 || c < 0 || c > s || loss < 0) {
                throw new IllegalArgumentException("sliding window state has an invalid chunk " + i
                        + ": samples=" + s + ", correct=" + c + ", lossSum=" + loss);
            }
            w.samples[i] = s;
            w.correct[i] = c;
            w.lossSums[i] = loss;
        }
        w.size = size;
        w.recomputeTotals();
        return w;
    }

    private void mergeSmallestAdjacentPair() {
        int best = 0;
        long bestSize = Long.MAX_VALUE;
        for (int i = 0; i + 1 < size; i++) {
            long combined = samples[i] + samples[i + 1];
            if (combined < bestSize) {
                bestSize = combined;
                best = i;
            }
        }
        samples[best] += samples[best + 1];
        correct[best] += correct[best + 1];
        lossSums[best] += lossSums[best + 1];
        int tail = size - best - 2;
        System.arraycopy(samples, best + 2, samples, best + 1, tail);
        System.arraycopy(correct, best + 2, correct, best + 1, tail);
        System.arraycopy(lossSums, best + 2, lossSums, best + 1, tail);
        size--;
    }

    private void evict() {
        long remaining = 0;
        for (int i = 0; i < size; i++) {
            remaining += samples[i];
        }
        int drop = 0;
        while (drop < size - 1 && remaining - samples[drop] >= windowExamples) {
            remaining -= samples[drop];
            drop++;
        }
        if (drop > 0) {
            int kept = size - drop;
            System.arraycopy(samples, drop, samples, 0, kept);
            System.arraycopy(correct, drop, correct, 0, kept);
            System.arraycopy(lossSums, drop, lossSums, 0, kept);
            size = kept;
        }
        recomputeTotals();
    }

    /** Sums the chunks afresh (O(maxChunks)) so the loss total does not drift with add/subtract. */
    private void recomputeTotals() {
        long s = 0;
        long c = 0;
        double loss = 0;
        for (int i = 0; i < size; i++) {
            s += samples[i];
            c += correct[i];
            loss += lossSums[i];
        }
        totalSamples = s;
        totalCorrect = c;
        totalLoss = loss;
    }
}
