package org.fedflink.federation;

/**
 * Client sampling for a stream: each time a source has gathered another round of local examples
 * it takes part with probability {@code fraction}, else it keeps learning locally and tries again
 * after the next round of examples. This is Flower's {@code fraction_fit} (a random fraction of the
 * clients trains each round) recast for sources that never stop receiving data: nothing a source
 * learned while it sat out is lost, it is sent with its next report.
 *
 * <p>The draw is a pure function of the seed, the source's name and the position of the
 * opportunity in the source's own history (its example count), so a job restored from a
 * checkpoint makes exactly the draws it made before the failure, and rescaling does not change
 * them. Immutable and serializable.
 *
 * @param fraction the probability of taking part at each opportunity, in {@code (0, 1]}
 * @param seed the job's seed
 */
public record Participation(double fraction, long seed) implements java.io.Serializable {

    /** @throws IllegalArgumentException if {@code fraction} is not in {@code (0, 1]} */
    public Participation {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
    }

    /** Every source takes part at every opportunity. */
    public static Participation everyone() {
        return new Participation(1.0, 0);
    }

    /**
     * Whether {@code source} takes part at the opportunity {@code position} (for example the
     * number of examples it has learned from so far; distinct positions give independent draws).
     */
    public boolean takesPart(String source, long position) {
        if (fraction >= 1) {
            return true;
        }
        long bits = Seeds.mix64(Seeds.hash(source) ^ Seeds.derive(seed, position));
        // 53 random bits, as SplittableRandom.nextDouble
        return (bits >>> 11) * 0x1.0p-53 < fraction;
    }
}
