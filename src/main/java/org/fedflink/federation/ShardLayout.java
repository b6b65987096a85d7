package org.fedflink.federation;

/**
 * Splits a parameter vector of {@code numParams} into {@code shards} contiguous ranges whose sizes
 * differ by at most one (the model parallelism of the job: one aggregator subtask per shard).
 */
public record ShardLayout(int numParams, int shards) implements java.io.Serializable {

    public ShardLayout {
        if (shards < 1 || shards > numParams) {
            throw new IllegalArgumentException(
                    "shards must be between 1 and the " + numParams + " parameters, got " + shards);
        }
    }

    /** First parameter index of a shard. */
    public int from(int shard) {
        return (int) ((long) numParams * shard / shards);
    }

    /** One past the last parameter index of a shard. */
    public int to(int shard) {
        return from(shard + 1);
    }

    public int length(int shard) {
        return to(shard) - from(shard);
    }

    /**
     * The shard that holds parameter {@code index}.
     *
     * @throws IllegalArgumentException if {@code index} is not in {@code [0, numParams)}
     */
    public int shardOf(int index) {
        if (index < 0 || index >= numParams) {
            throw new IllegalArgumentException("index must be in [0, " + numParams + "), got " + index);
        }
        int shard = (int) ((long) index * shards / numParams);
        while (from(shard + 1) <= index) {
            shard++;
        }
        while (from(shard) > index) {
            shard--;
        }
        return shard;
    }
}
