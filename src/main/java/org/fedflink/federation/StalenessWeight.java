package org.fedflink.federation;

/**
 * How much an update computed from an older global version counts, as a function of its staleness
 * {@code tau} (how many versions the global model moved on since the update's base version). Used
 * by {@link FedBuff}. Implementations are immutable records, serializable, with {@code equals} and
 * {@code toString} over their parameters.
 */
public interface StalenessWeight extends java.io.Serializable {

    /**
     * The weight of an update of staleness {@code staleness}: in {@code (0, 1]}, 1 for a fresh
     * update ({@code staleness = 0}).
     *
     * @throws IllegalArgumentException if {@code staleness < 0}
     */
    double weight(long staleness);

    /** FedBuff's default {@code 1 / sqrt(1 + tau)} (Nguyen et al., AISTATS 2022). */
    static StalenessWeight inverseSqrt() {
        return new InverseSqrtStaleness();
    }

    /** Every update counts fully, however stale. */
    static StalenessWeight constant() {
        return new ConstantStaleness();
    }

    /**
     * {@code (1 + tau)^-exponent}, the polynomial staleness function of Xie, Koyejo and Gupta,
     * "Asynchronous Federated Optimization" (FedAsync), 2019. An exponent of 0.5 is
     * {@link #inverseSqrt()}, 0 is {@link #constant()}.
     *
     * @throws IllegalArgumentException if {@code exponent} is not finite and {@code >= 0}
     */
    static StalenessWeight polynomial(double exponent) {
        return new PolynomialStaleness(exponent);
    }

    static void checkStaleness(long staleness) {
        if (staleness < 0) {
            throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
        }
    }

    /** {@code 1 / sqrt(1 + tau)}. */
    record InverseSqrtStaleness() implements StalenessWeight {
        @Override
        public double weight(long staleness) {
            checkStaleness(staleness);
            return 1 / Math.sqrt(1.0 + staleness);
        }
    }

    /** Always 1. */
    record ConstantStaleness() implements StalenessWeight {
        @Override
        public double weight(long staleness) {
            checkStaleness(staleness);
            return 1;
        }
    }

    /** {@code (1 + tau)^-exponent}. */
    record PolynomialStaleness(double exponent) implements StalenessWeight {
        /** @throws IllegalArgumentException if {@code exponent} is not finite and {@code >= 0} */
        public PolynomialStaleness {
            Knobs.nonNegative("exponent", exponent);
        }

        @Override
        public double weight(long staleness) {
            checkStaleness(staleness);
            return Math.pow(1.0 + staleness, -exponent);
        }
    }
}
