package org.fedflink.federation;

/**
 * Which sources are Byzantine in a simulated attack: source {@code s} is Byzantine when a uniform
 * number in {@code [0, 1)} derived from {@code (seed, s)} is below {@code fraction}. The choice is a
 * pure function of the seed and the source's name, so it is stable across subtasks, restarts and
 * rescaling, and needs no list of sources (new sources of a stream get their own draw). The number
 * of Byzantine sources is therefore binomial, about {@code fraction} of them; a robust rule's
 * {@code byzantineUpdates} should allow for the spread. Create via {@link Attacks#byzantine}.
 *
 * @param fraction probability of a source being Byzantine; in {@code [0, 1]}
 * @param seed seed of the choice
 */
public record ByzantineSelection(double fraction, long seed) implements java.io.Serializable {

    /** @throws IllegalArgumentException if {@code fraction} is not in {@code [0, 1]} */
    public ByzantineSelection {
        Knobs.unit("fraction", fraction);
    }

    /**
     * Whether {@code source} is Byzantine.
     *
     * @throws IllegalArgumentException if {@code source} is null
     */
    public boolean isByzantine(String source) {
        if (source == null) {
            throw new IllegalArgumentException("source is required, got null");
        }
        // 53 random bits, as SplittableRandom.nextDouble
        double u = (Seeds.mix64(Seeds.hash(source) ^ Seeds.mix64(seed)) >>> 11) * 0x1.0p-53;
        return u < fraction;
    }
}
