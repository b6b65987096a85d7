package org.fedflink.federation;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The accumulator of {@link FedAvg} and {@link SumStrategy}: a running double-precision sum of the
 * (optionally sample-weighted) deltas, so memory is two {@code double[]} per shard however many
 * updates a round has — or, while its updates are sparse and touch few coordinates, what they
 * touched. Doubles because a round may fold thousands of float deltas, and summing them in float
 * would lose the small ones.
 *
 * <p>Rounds of the server optimizers (FedAvgM, FedAdagrad, FedAdam, FedYogi) also drop a delta that
 * holds a NaN or an infinity and count it ({@link #rejected()}): one such delta would otherwise
 * poison the optimizer's moments for good. FedAvg and sum rounds keep their original behaviour.
 *
 * <p>Serializable so that a pending round can be kept in operator state. Not thread-safe.
 */
final class SummingRound implements RoundAccumulator, Serializable {
    private static final long serialVersionUID = 1L;
    private static final int SPARSE_START = 64;

    private final boolean weighted;
    private final boolean rejectNonFinite;
    /** Whether the updates' lengths are kept, for {@link #updateLengthGain} (FedAvg's update-length step). */
    private final boolean measureLengths;
    private final int length;
    /** The running sum per coordinate; null until the round is dense (see {@link #touched}). */
    private double[] sum;
    /**
     * Per coordinate, the weights of the updates that moved it (a sparse update's entries, a dense
     * update's non-zero coordinates): the divisor of {@link #coordinateMean()}. Null until dense.
     */
    private double[] moved;
    /**
     * While every update was sparse and they moved few coordinates, the round is held sparse: the
     * coordinates moved, in the order first moved ({@code touchedCount} of them), their sums and
     * weights at the same positions, and an open-addressing table from coordinate to position + 1
     * (0: free). A round of a 2^20-parameter model then costs what its updates touched instead of
     * two 8 MB arrays. Null before the first update and once the round is dense (its first update
     * dense or large, a dense update later, or too many coordinates).
     */
    private int[] touched;
    private double[] touchedSum;
    private double[] touchedMoved;
    private int[] table;
    private int touchedCount;
    private int updates;
    private long samples;
    private int rejected;
    /** {@code sum(w_i * |delta_i|^2)} and {@code sum(w_i^2)}: the updates' RMS length and effective count. */
    private double squaredLengths;
    private double squaredWeights;

    /** @param weighted whether each delta is multiplied by its sample count (FedAvg) or not (sum) */
    SummingRound(int length, boolean weighted) {
        this(length, weighted, false);
    }

    /**
     * @param weighted whether each delta is multiplied by its sample count (FedAvg) or not (sum)
     * @param rejectNonFinite whether a delta holding a NaN or an infinity is dropped and counted
     */
    SummingRound(int length, boolean weighted, boolean rejectNonFinite) {
        this(length, weighted, rejectNonFinite, false);
    }

    /** @param measureLengths whether to keep the updates' lengths for {@link #updateLengthGain} */
    SummingRound(int length, boolean weighted, boolean rejectNonFinite, boolean measureLengths) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        this.weighted = weighted;
        this.rejectNonFinite = rejectNonFinite;
        this.measureLengths = measureLengths;
        this.length = length;
    }

    /** Beyond this many coordinates moved, the two dense arrays cost less than the sparse form. */
    private int sparseLimit() {
        return length / 4;
    }

    @Override
    public void add(float[] delta, long samples) {
        if (delta == null) {
            throw new IllegalArgumentException("delta is required, got null");
        }
        if (delta.length != length) {
            throw new IllegalArgumentException("delta has length " + delta.length
                    + " but this round's shard has length " + length);
        }
        checkSamples(samples);
        if (rejectNonFinite && !Vectors.allFinite(delta)) {
            rejected++;
            return;
        }
        densify();
        double w = weighted ? samples : 1;
        for (int i = 0; i < sum.length; i++) {
            float d = delta[i];
            if (d != 0f) {
                sum[i] += w * d;
                moved[i] += w;
            }
        }
        countLength(w, delta);
        updates++;
        this.samples += samples;
    }

    /** Adds the entries only: a sparse update costs what it holds, not the shard's length. */
    @Override
    public void addSparse(int length, int[] indices, float[] values, long samples, long staleness) {
        if (length != this.length) {
            throw new IllegalArgumentException("delta has length " + length
                    + " but this round's shard has length " + this.length);
        }
        Vectors.checkSparse(length, indices, values);
        if (staleness < 0) {
            throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
        }
        checkSamples(samples);
        if (rejectNonFinite && !Vectors.allFinite(values)) {
            rejected++;
            return;
        }
        double w = weighted ? samples : 1;
        if (sum == null && touched == null && indices.length <= sparseLimit()) {
            // the first update is sparse and small: the round starts sparse
            touched = new int[SPARSE_START];
            touchedSum = new double[SPARSE_START];
            touchedMoved = new double[SPARSE_START];
            table = new int[2 * SPARSE_START];
        }
        if (touched == null || touchedCount + indices.length > sparseLimit()) {
            densify();
        }
        if (touched != null) {
            for (int i = 0; i < indices.length; i++) {
                int at = positionOf(indices[i]);
                touchedSum[at] += w * values[i];
                touchedMoved[at] += w;
            }
        } else {
            for (int i = 0; i < indices.length; i++) {
                sum[indices[i]] += w * values[i];
                moved[indices[i]] += w;
            }
        }
        countLength(w, values);
        updates++;
        this.samples += samples;
    }

    private void countLength(double w, float[] delta) {
        if (measureLengths) {
            double length = Vectors.l2Norm(delta);
            squaredLengths += w * length * length;
            squaredWeights += w * w;
        }
    }

    /**
     * How many times longer than {@code step} (the round's mean update) the global step should be
     * so that the global model moves as far as the round's updates moved on their own: the updates'
     * weighted RMS length over {@code |step|}, at least 1, at most {@code sqrt(effective updates)}
     * ({@code (sum w_i)^2 / sum(w_i^2)}). Updates that agree give about 1 (their mean is as long as
     * each of them); updates that are mostly noise around a common direction have a mean shorter
     * by about {@code sqrt(updates)}, and the gain restores a source's own progress per round.
     * 1 for a round that does not measure lengths.
     */
    double updateLengthGain(double[] step) {
        double stepLength2 = 0;
        for (double s : step) {
            stepLength2 += s * s;
        }
        double total = weighted ? samples : updates;
        if (!(stepLength2 > 0) || !(squaredWeights > 0)) {
            return 1;
        }
        double rms = Math.sqrt(squaredLengths / total);
        double cap = Math.sqrt(total * total / squaredWeights);
        return Math.max(1, Math.min(cap, rms / Math.sqrt(stepLength2)));
    }

    private void checkSamples(long samples) {
        if (weighted && samples < 1) {
            // FedAvg weighs each delta by its sample count: a weight of 0 would count the update
            // without letting it contribute, and a round of only such updates would divide 0 by 0.
            throw new IllegalArgumentException(
                    "samples must be >= 1 for a sample-weighted update, got " + samples);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
    }

    @Override
    public int updates() {
        return updates;
    }

    @Override
    public long samples() {
        return samples;
    }

    @Override
    public int rejected() {
        return rejected;
    }

    /** The position of {@code coordinate} in the sparse form, a new entry of zeros if the round had not moved it. */
    private int positionOf(int coordinate) {
        int mask = table.length - 1;
        for (int slot = mix(coordinate) & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                if (touchedCount == touched.length) {
                    int grown = touchedCount * 2;
                    touched = Arrays.copyOf(touched, grown);
                    touchedSum = Arrays.copyOf(touchedSum, grown);
                    touchedMoved = Arrays.copyOf(touchedMoved, grown);
                    rehash(2 * grown);
                    return positionOf(coordinate);
                }
                touched[touchedCount] = coordinate;
                table[slot] = ++touchedCount;
                return touchedCount - 1;
            }
            if (touched[entry - 1] == coordinate) {
                return entry - 1;
            }
        }
    }

    private void rehash(int capacity) {
        table = new int[capacity];
        int mask = capacity - 1;
        for (int at = 0; at < touchedCount; at++) {
            int slot = mix(touched[at]) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = at + 1;
        }
    }

    /** Spreads neighbouring coordinates (hashed features are uniform, model rows are not). */
    private static int mix(int coordinate) {
        int h = coordinate * 0x9e3779b9;
        return h ^ (h >>> 16);
    }

    /** Makes the round dense, from its sparse form if it has one (once; a dense round stays dense). */
    private void densify() {
        if (sum != null) {
            return;
        }
        sum = new double[length];
        moved = new double[length];
        if (touched == null) {
            return;
        }
        for (int at = 0; at < touchedCount; at++) {
            sum[touched[at]] = touchedSum[at];
            moved[touched[at]] = touchedMoved[at];
        }
        touched = null;
        touchedSum = null;
        touchedMoved = null;
        table = null;
        touchedCount = 0;
    }

    /** Length of the shard this round collects. */
    int length() {
        return length;
    }

    double[] sum() {
        densify();
        return sum;
    }

    /**
     * The coordinates this round's updates moved, in the order first moved, when the round is held
     * sparse (every update sparse, together touching at most a quarter of the shard), so that a
     * rule whose step is zero elsewhere can touch only these; null when it is dense, empty before
     * any update.
     */
    int[] movedCoordinates() {
        if (sum != null) {
            return null;
        }
        return touched == null ? new int[0] : Arrays.copyOf(touched, touchedCount);
    }

    /**
     * The step of each coordinate of {@link #movedCoordinates()}, in the same order, for a round
     * held sparse: the coordinate's mean over the updates that moved it ({@code perCoordinate},
     * as {@link #coordinateMean()}) or over all of them (as {@link #mean()}).
     */
    double[] movedSteps(boolean perCoordinate) {
        double divisor = weighted ? samples : updates;
        double[] steps = new double[touchedCount];
        for (int at = 0; at < touchedCount; at++) {
            double weight = perCoordinate ? touchedMoved[at] : divisor;
            // as the dense coordinate mean: a coordinate only zero-weight updates touched steps 0
            steps[at] = perCoordinate && weight <= 0 ? 0 : touchedSum[at] / weight;
        }
        return steps;
    }

    /** The running sums of {@link #movedCoordinates()}, in the same order, for a round held sparse. */
    double[] movedSums() {
        return touchedCount == 0 ? new double[0] : Arrays.copyOf(touchedSum, touchedCount);
    }

    /**
     * The sample-weighted mean delta {@code sum(n_i * delta_i) / sum(n_i)} of a weighted round (the
     * pseudo-gradient of the server optimizers, as in Flower's FedOpt family), or the plain mean of
     * an unweighted one. Call only on a non-empty round.
     */
    double[] mean() {
        densify();
        double divisor = weighted ? samples : updates;
        double[] mean = new double[length];
        for (int i = 0; i < length; i++) {
            mean[i] = sum[i] / divisor;
        }
        return mean;
    }

    /**
     * The mean delta of each coordinate over the updates that moved it: {@code sum(n_i * delta_ij)
     * / sum(n_i over the i with delta_ij != 0)} (0 where none did). For a dense model whose updates
     * all move every coordinate it is {@link #mean()}; for sparse features a coordinate is not
     * diluted by the updates of sources that never saw its feature.
     */
    double[] coordinateMean() {
        densify();
        double[] mean = new double[length];
        for (int i = 0; i < length; i++) {
            mean[i] = moved[i] > 0 ? sum[i] / moved[i] : 0;
        }
        return mean;
    }

    /**
     * Checks that {@code round} can be applied to {@code global} by a strategy whose rounds are
     * {@code weighted} or not, and returns it. Applying another strategy's round would
     * reinterpret its sum (a weighted sum divided again, or an unweighted one divided by samples).
     */
    static SummingRound checkApplicable(float[] global, RoundAccumulator round, boolean weighted, String strategy) {
        if (global == null) {
            throw new IllegalArgumentException("global is required, got null");
        }
        if (!(round instanceof SummingRound r) || r.weighted != weighted) {
            throw new IllegalArgumentException("round was not created by " + strategy + ".newRound: " + round);
        }
        if (r.updates == 0) {
            throw new IllegalStateException(Vectors.emptyRoundMessage(r.rejected));
        }
        if (global.length != r.length) {
            throw new IllegalArgumentException("global has length " + global.length
                    + " but the round's shard has length " + r.length);
        }
        return r;
    }

    @Override
    public String toString() {
        return "SummingRound[length=" + length + ", weighted=" + weighted + ", updates=" + updates
                + ", samples=" + samples + ", rejected=" + rejected + "]";
    }
}
