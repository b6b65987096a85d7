package org.fedflink.federation;

/**
 * The privacy a client-level DP strategy has spent on one shard: every round the shard applies is
 * one Gaussian mechanism with the strategy's noise multiplier, composed into an RDP accountant
 * (sampling probability 1: rounds are not subsampled, see {@link ShardServer}), and reported as
 * {@code (epsilon, delta)} at the accounting's {@code delta}.
 */
public final class PrivacyLedger {
    private final DpAccounting accounting;
    private final RdpAccountant accountant;
    private double epsilon;

    private PrivacyLedger(DpAccounting accounting, RdpAccountant accountant) {
        this.accounting = accounting;
        this.accountant = accountant;
        this.epsilon = accountant.epsilon(accounting.delta()).epsilon();
    }

    /** Nothing spent yet. */
    public static PrivacyLedger fresh(DpAccounting accounting) {
        return new PrivacyLedger(accounting, new RdpAccountant());
    }

    /** What {@link #toState()} saved. */
    public static PrivacyLedger restored(DpAccounting accounting, double[] state) {
        return new PrivacyLedger(accounting, RdpAccountant.fromState(state));
    }

    /** Accounts for one more applied round. */
    void roundApplied() {
        accountant.compose(1.0, accounting.noiseMultiplier(), 1);
        epsilon = accountant.epsilon(accounting.delta()).epsilon();
    }

    /** The privacy spent so far at {@link #delta()} (infinite without noise). */
    public double epsilon() {
        return epsilon;
    }

    public double delta() {
        return accounting.delta();
    }

    /** The accountant's state, for a checkpoint. */
    public double[] toState() {
        return accountant.toState();
    }
}
