package org.fedflink.federation;

import java.util.SplittableRandom;

/**
 * A simulated Byzantine corruption of one update, applied on the trainer side to the delta a
 * Byzantine source is about to send (see {@link ByzantineSelection}), to test the robust rules.
 * Deterministic given the seed passed to {@link #corrupt}. Implementations are immutable,
 * serializable records; create them via {@link Attacks}.
 */
public interface UpdateAttack extends java.io.Serializable {

    /** Corrupts {@code delta} in place; {@code seed} drives any randomness. */
    void corrupt(float[] delta, long seed);

    /** Sends the opposite of the honest update: {@code delta = -delta}. */
    record SignFlip() implements UpdateAttack {
        @Override
        public void corrupt(float[] delta, long seed) {
            for (int i = 0; i < delta.length; i++) {
                delta[i] = -delta[i];
            }
        }
    }

    /**
     * Boosts (or shrinks) the honest update: {@code delta = factor * delta}. A large factor is the
     * "model replacement" / boosting attack of Bagdasaryan et al. 2020 and Bhagoji et al. 2019; a
     * negative one combines it with a sign flip.
     *
     * @param factor finite
     */
    record Scaling(double factor) implements UpdateAttack {
        /** @throws IllegalArgumentException if {@code factor} is not finite */
        public Scaling {
            if (!Double.isFinite(factor)) {
                throw new IllegalArgumentException("factor must be finite, got " + factor);
            }
        }

        @Override
        public void corrupt(float[] delta, long seed) {
            for (int i = 0; i < delta.length; i++) {
                delta[i] = (float) (factor * delta[i]);
            }
        }
    }

    /**
     * Replaces the update with Gaussian noise {@code N(0, stddev^2)} per coordinate, the "Gaussian"
     * Byzantine of Blanchard et al., NeurIPS 2017.
     *
     * @param stddev finite and {@code > 0}
     */
    record GaussianNoise(double stddev) implements UpdateAttack {
        /** @throws IllegalArgumentException if {@code stddev} is not finite and positive */
        public GaussianNoise {
            Knobs.positive("stddev", stddev);
        }

        @Override
        public void corrupt(float[] delta, long seed) {
            SplittableRandom random = Seeds.random(seed, 0);
            for (int i = 0; i < delta.length; i++) {
                delta[i] = (float) (stddev * random.nextGaussian());
            }
        }
    }
}
