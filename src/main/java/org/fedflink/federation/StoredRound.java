package org.fedflink.federation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The accumulator of the rules that need every update of a round at once (coordinate-wise median,
 * trimmed mean, Krum, Multi-Krum, Bulyan, norm bounding, DP-FedAvg): it keeps a copy of each delta
 * and its sample count, so memory is {@code updates * length} floats per shard.
 *
 * <p>A delta holding a NaN or an infinity is dropped and counted ({@link #rejected()}) rather than
 * thrown: it is exactly the kind of update a robust rule exists to survive, and one would poison a
 * median's neighbours, Krum's distances and any mean. Sample counts are kept for reporting only
 * (these rules weigh every update equally, since a Byzantine source could claim any count), so an
 * update from 0 samples is accepted; a negative count is not.
 *
 * <p>Serializable so that a pending round can be kept in operator state. Not thread-safe.
 */
final class StoredRound implements RoundAccumulator, Serializable {
    private static final long serialVersionUID = 1L;

    private final int length;
    private final List<float[]> deltas = new ArrayList<>();
    private long[] sampleCounts = new long[4];
    private long samples;
    private int rejected;

    StoredRound(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        this.length = length;
    }

    @Override
    public void add(float[] delta, long samples) {
        if (delta == null) {
            throw new IllegalArgumentException("delta is required, got null");
        }
        if (delta.length != length) {
            throw new IllegalArgumentException(
                    "delta has length " + delta.length + " but this round's shard has length " + length);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
        if (!Vectors.allFinite(delta)) {
            rejected++;
            return;
        }
        if (deltas.size() == sampleCounts.length) {
            sampleCounts = Arrays.copyOf(sampleCounts, 2 * sampleCounts.length);
        }
        sampleCounts[deltas.size()] = samples;
        // a copy: the rules clip or sort in place, and the caller may reuse its array
        deltas.add(delta.clone());
        this.samples += samples;
    }

    @Override
    public int updates() {
        return deltas.size();
    }

    @Override
    public long samples() {
        return samples;
    }

    @Override
    public int rejected() {
        return rejected;
    }

    int length() {
        return length;
    }

    /** The kept deltas, in the order they were added (the round's own copies). */
    List<float[]> deltas() {
        return deltas;
    }

    /** Sample count of the {@code i}-th kept update. */
    long samples(int i) {
        return sampleCounts[i];
    }

    /**
     * Checks that {@code round} can be applied to {@code global} by {@code strategy} and returns it:
     * one of these rounds, of the same length, with at least {@code strategy.minUpdates()} updates.
     */
    static StoredRound checkApplicable(float[] global, RoundAccumulator round, AggregationStrategy strategy) {
        String name = strategy.getClass().getSimpleName();
        if (global == null) {
            throw new IllegalArgumentException("global is required, got null");
        }
        if (!(round instanceof StoredRound r)) {
            throw new IllegalArgumentException("round was not created by " + name + ".newRound: " + round);
        }
        if (r.updates() == 0) {
            throw new IllegalStateException(Vectors.emptyRoundMessage(r.rejected));
        }
        if (r.updates() < strategy.minUpdates()) {
            throw new IllegalStateException(strategy + " needs at least " + strategy.minUpdates()
                    + " updates in a round, got " + r.updates()
                    + (r.rejected > 0 ? " (" + r.rejected + " rejected as non-finite)" : ""));
        }
        if (global.length != r.length) {
            throw new IllegalArgumentException(
                    "global has length " + global.length + " but the round's shard has length " + r.length);
        }
        return r;
    }

    @Override
    public String toString() {
        return "StoredRound[length=" + length + ", updates=" + deltas.size() + ", samples=" + samples
                + ", rejected=" + rejected + "]";
    }
}
