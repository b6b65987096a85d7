package org.fedflink.pipeline;

/**
 * A global version put together from its shards' pieces, added in shard order: the parameters side
 * by side, and the figures each shard keeps for itself combined as one version's. Every shard folds
 * the same updates, so the version is the newest of theirs, the examples in the model are those of
 * the shard that has folded the fewest (a lagging shard's model is still the older one), and the
 * counts of sources and rounds and the time made are the largest. The model writer assembles
 * published pieces with it, the savepoint reader checkpointed shard states.
 */
public final class ShardPieces {

    private final float[] params;
    private int filled;
    private long version;
    private long samples = Long.MAX_VALUE;
    private long sources;
    private long rounds;
    private long createdMillis;

    /** @param numParams the whole model's parameters */
    public ShardPieces(int numParams) {
        this.params = new float[numParams];
    }

    /**
     * Adds the next shard's piece and figures.
     *
     * @return whether this shard has folded fewer examples than every shard before it (its
     *     prequential figures are then the version's)
     * @throws IllegalArgumentException if the pieces hold more parameters than the model
     */
    public boolean add(float[] piece, long version, long samples, long sources, long rounds, long createdMillis) {
        if (filled + piece.length > params.length) {
            throw new IllegalArgumentException("the shards hold more parameters than the model's " + params.length);
        }
        System.arraycopy(piece, 0, params, filled, piece.length);
        filled += piece.length;
        this.version = Math.max(this.version, version);
        this.sources = Math.max(this.sources, sources);
        this.rounds = Math.max(this.rounds, rounds);
        this.createdMillis = Math.max(this.createdMillis, createdMillis);
        boolean fewest = samples < this.samples;
        this.samples = Math.min(this.samples, samples);
        return fewest;
    }

    /**
     * The whole model's parameters.
     *
     * @throws IllegalArgumentException if the pieces hold fewer parameters than the model
     */
    public float[] params() {
        if (filled != params.length) {
            throw new IllegalArgumentException("the shards hold " + filled + " parameters, the model " + params.length);
        }
        return params;
    }

    long version() {
        return version;
    }

    public long samples() {
        return samples;
    }

    public long sources() {
        return sources;
    }

    public long rounds() {
        return rounds;
    }

    public long createdMillis() {
        return createdMillis;
    }
}
