package org.fedflink.federation;

/**
 * Creates the attack-simulation helpers used by the trainer side to test the robust rules: which
 * sources are Byzantine ({@link ByzantineSelection}), what they do to their update
 * ({@link UpdateAttack}) or to their labels ({@link LabelFlip}), and a per-update seed that makes
 * every randomised corruption reproducible.
 */
public final class Attacks {
    private Attacks() {}

    /** {@code delta = -delta}. */
    public static UpdateAttack signFlip() {
        return new UpdateAttack.SignFlip();
    }

    /**
     * {@code delta = factor * delta}.
     *
     * @throws IllegalArgumentException if {@code factor} is not finite
     */
    public static UpdateAttack scaling(double factor) {
        return new UpdateAttack.Scaling(factor);
    }

    /**
     * The update replaced by {@code N(0, stddev^2)} noise.
     *
     * @throws IllegalArgumentException if {@code stddev} is not finite and positive
     */
    public static UpdateAttack gaussianNoise(double stddev) {
        return new UpdateAttack.GaussianNoise(stddev);
    }

    /**
     * Labels {@code c -> classes - 1 - c}.
     *
     * @throws IllegalArgumentException if {@code classes < 2}
     */
    public static LabelFlip labelFlip(int classes) {
        return new LabelFlip(classes);
    }

    /**
     * About {@code fraction} of the sources, chosen by {@code seed} and each source's name.
     *
     * @throws IllegalArgumentException if {@code fraction} is not in {@code [0, 1]}
     */
    public static ByzantineSelection byzantine(double fraction, long seed) {
        return new ByzantineSelection(fraction, seed);
    }

    /**
     * A seed for the {@code updateIndex}-th update of {@code source} under the job seed
     * {@code seed}: distinct for distinct sources and indices, and the same on every replay. Pass it
     * to {@link UpdateAttack#corrupt} or {@link LocalDp#privatize}.
     *
     * @throws IllegalArgumentException if {@code source} is null
     */
    public static long updateSeed(long seed, String source, long updateIndex) {
        if (source == null) {
            throw new IllegalArgumentException("source is required, got null");
        }
        return Seeds.derive(seed ^ Seeds.hash(source), updateIndex);
    }
}
