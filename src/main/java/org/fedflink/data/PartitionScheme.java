package org.fedflink.data;

/**
 * How {@link Partitioner} spreads the rows of a data set without a source field over simulated
 * clients ("sources"). The records validate their parameters on construction.
 */
public sealed interface PartitionScheme
        permits PartitionScheme.Iid, PartitionScheme.Dirichlet, PartitionScheme.Shards, PartitionScheme.QuantitySkew {

    /** Rows shuffled and dealt evenly: source sizes differ by at most one, labels IID. */
    static PartitionScheme iid() {
        return new Iid();
    }

    /** Dirichlet label skew with concentration {@code alpha} (see {@link Dirichlet}). */
    static PartitionScheme dirichlet(double alpha) {
        return new Dirichlet(alpha);
    }

    /** McMahan et al.'s pathological non-IID split (see {@link Shards}). */
    static PartitionScheme shards(int shardsPerSource) {
        return new Shards(shardsPerSource);
    }

    /** Dirichlet source sizes with IID rows (see {@link QuantitySkew}). */
    static PartitionScheme quantitySkew(double alpha) {
        return new QuantitySkew(alpha);
    }

    /**
     * IID: a uniformly random assignment with balanced sizes: every source gets
     * {@code floor(n / sources)} rows, sources {@code 0 .. (n mod sources) - 1} one more.
     */
    record Iid() implements PartitionScheme {}

    /**
     * Dirichlet label skew (Hsu, Qi and Brown 2019, "Measuring the effects of non-identical data
     * distribution"; the common "Dir(alpha)" split of FL benchmarks): for each class {@code c}, draw
     * proportions {@code p_c ~ Dir(alpha, ..., alpha)} over the sources and give source {@code s}
     * a random {@code p_c[s]} share of the rows of class {@code c}. Small {@code alpha} (0.1) gives
     * each source few classes and very unequal sizes, large {@code alpha} (100) approaches IID.
     * Sources may get no rows at all (likely for small alpha); no re-draw is done.
     */
    record Dirichlet(double alpha) implements PartitionScheme {
        public Dirichlet {
            requirePositiveFinite("dirichlet alpha", alpha);
        }
    }

    /**
     * Pathological non-IID shards (McMahan et al. 2017, "Communication-efficient learning of deep
     * networks from decentralized data"): rows sorted by label are cut into
     * {@code sources * shardsPerSource} shards of equal size (sizes differ by at most one row when
     * the division is not exact) and each source gets {@code shardsPerSource} shards at random. With
     * label-pure shards a source sees at most {@code shardsPerSource} classes. Every source gets at
     * least {@code shardsPerSource} rows; needs at least that many rows per source.
     */
    record Shards(int shardsPerSource) implements PartitionScheme {
        public Shards {
            if (shardsPerSource < 1) {
                throw new IllegalArgumentException("shardsPerSource must be >= 1, got " + shardsPerSource);
            }
        }
    }

    /**
     * Quantity skew: source sizes proportional to {@code q ~ Dir(alpha, ..., alpha)}, rows otherwise
     * assigned uniformly at random (so every source sees the global label mix, in expectation).
     * Small {@code alpha} gives very unequal sizes, and sources may get no rows.
     */
    record QuantitySkew(double alpha) implements PartitionScheme {
        public QuantitySkew {
            requirePositiveFinite("quantity skew alpha", alpha);
        }
    }

    private static void requirePositiveFinite(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }
}
