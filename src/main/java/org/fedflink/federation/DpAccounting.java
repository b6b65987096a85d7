package org.fedflink.federation;

import java.io.Serializable;

/**
 * How the server accounts for the privacy a client-level DP strategy spends: every round it
 * applies is composed into an RDP accountant with the strategy's noise multiplier, and the privacy
 * spent so far is reported as {@code (epsilon, delta)}.
 *
 * @param noiseMultiplier the noise multiplier {@code z} of the strategy; finite and {@code >= 0}
 * @param delta the {@code delta} of the reported {@code (epsilon, delta)}; in {@code (0, 1)}
 */
public record DpAccounting(double noiseMultiplier, double delta) implements Serializable {

    /** @throws IllegalArgumentException naming the first value out of range */
    public DpAccounting {
        if (!(noiseMultiplier >= 0 && Double.isFinite(noiseMultiplier))) {
            throw new IllegalArgumentException("noiseMultiplier must be finite and at least 0, got " + noiseMultiplier);
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
    }
}
