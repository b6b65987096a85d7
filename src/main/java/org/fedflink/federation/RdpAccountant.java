package org.fedflink.federation;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * Rényi-DP accountant for repeated runs of the Poisson-subsampled Gaussian mechanism (Mironov,
 * Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", 2019,
 * arXiv:1908.10530), the mechanism of DP-SGD and of DP-FedAvg with sources sampled per round.
 * A port of Google's {@code dp_accounting.rdp.RdpAccountant} (the accountant behind TensorFlow
 * Privacy's {@code compute_dp_sgd_privacy}), add-or-remove-one adjacency:
 *
 * <ul>
 *   <li>the RDP of one step with sampling probability {@code q} and noise multiplier {@code z} at
 *       order {@code alpha} is {@code log(A_alpha) / (alpha - 1)}, with {@code A_alpha} by the
 *       binomial sum for integer orders and the two-sided series of Section 3.3 for fractional
 *       ones (summed in log space);
 *   <li>RDP adds up over steps, so the state is one accumulated value per order;
 *   <li>conversion to {@code (epsilon, delta)} takes the best order of the bound of Balle et al.,
 *       "Hypothesis Testing Interpretations and Renyi Differential Privacy", AISTATS 2020
 *       (Proposition 12 in arXiv:2004.00010v4):
 *       {@code epsilon = rdp + log1p(-1/alpha) - log(delta * alpha) / (alpha - 1)}, tighter than
 *       Mironov 2017's {@code rdp - log(delta) / (alpha - 1)}.
 * </ul>
 *
 * <p><b>State.</b> {@link #toState()} gives {@code orders} followed by the accumulated RDP, a
 * {@code double[]} of length {@code 2 * orders} for the caller to checkpoint;
 * {@link #fromState(double[])} restores it. Mutable and not thread-safe (one per aggregator).
 *
 * <p>Uses Apache Commons Math for {@code log Gamma} and {@code erfc}.
 */
public final class RdpAccountant implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The orders of TensorFlow Privacy's {@code compute_dp_sgd_privacy}: 1.25 to 4.5 in steps of
     * 0.25 and 0.5, every integer from 5 to 63, then 128, 256 and 512.
     */
    private static final double[] DEFAULT_ORDERS = defaultOrderList();

    private static final int MAX_STEPS_LOG_A_FRAC = 1000;

    private final double[] orders;
    private final double[] rdp;

    /** The RDP of one step for the last (q, z) composed, so a run of equal rounds computes it once. */
    private transient double cachedQ = Double.NaN;
    private transient double cachedZ = Double.NaN;
    private transient double[] cachedRdp;

    /** An accountant over the {@linkplain #defaultOrders() default orders}, with nothing spent. */
    public RdpAccountant() {
        this(DEFAULT_ORDERS);
    }

    /**
     * An accountant over {@code orders}, with nothing spent.
     *
     * @throws IllegalArgumentException if {@code orders} is null or empty, or an order is not
     *     finite and {@code > 1}
     */
    public RdpAccountant(double[] orders) {
        this(checkOrders(orders), new double[orders.length]);
    }

    private RdpAccountant(double[] orders, double[] rdp) {
        this.orders = orders.clone();
        this.rdp = rdp;
    }

    /** A copy of the default orders. */
    public static double[] defaultOrders() {
        return DEFAULT_ORDERS.clone();
    }

    private static double[] defaultOrderList() {
        double[] small = {1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 4.0, 4.5};
        double[] orders = new double[small.length + 59 + 3];
        System.arraycopy(small, 0, orders, 0, small.length);
        for (int a = 5; a < 64; a++) {
            orders[small.length + a - 5] = a;
        }
        orders[orders.length - 3] = 128;
        orders[orders.length - 2] = 256;
        orders[orders.length - 1] = 512;
        return orders;
    }

    private static double[] checkOrders(double[] orders) {
        if (orders == null || orders.length == 0) {
            throw new IllegalArgumentException("orders must hold at least one order, got "
                    + (orders == null ? "null" : "none"));
        }
        for (double a : orders) {
            if (!(a > 1) || !Double.isFinite(a)) {
                throw new IllegalArgumentException("every order must be finite and > 1, got " + a);
            }
        }
        return orders;
    }

    /**
     * Restores an accountant from {@link #toState()}.
     *
     * @throws IllegalArgumentException if {@code state} is null, of odd or zero length, holds an
     *     invalid order, or a negative or NaN RDP value
     */
    public static RdpAccountant fromState(double[] state) {
        if (state == null || state.length == 0 || state.length % 2 != 0) {
            throw new IllegalArgumentException("accountant state must hold orders and as many RDP values, got "
                    + (state == null ? "null" : state.length + " values"));
        }
        int n = state.length / 2;
        double[] orders = checkOrders(Arrays.copyOfRange(state, 0, n));
        double[] rdp = Arrays.copyOfRange(state, n, state.length);
        for (double r : rdp) {
            if (!(r >= 0)) {
                throw new IllegalArgumentException("accumulated RDP values must be >= 0, got " + r);
            }
        }
        return new RdpAccountant(orders, rdp);
    }

    /** The state to checkpoint: the orders, then the accumulated RDP at each order. */
    public double[] toState() {
        double[] state = Arrays.copyOf(orders, 2 * orders.length);
        System.arraycopy(rdp, 0, state, orders.length, rdp.length);
        return state;
    }

    /** A copy of the orders. */
    public double[] orders() {
        return orders.clone();
    }

    /** A copy of the accumulated RDP, one value per order (possibly infinite). */
    public double[] rdp() {
        return rdp.clone();
    }

    /**
     * Accounts for {@code steps} runs of the Gaussian mechanism with noise multiplier
     * {@code noiseMultiplier} (noise standard deviation over L2 sensitivity), each on a Poisson
     * sample of the data with probability {@code samplingProbability} (1: no subsampling).
     * {@code noiseMultiplier = 0} makes every order infinite (no privacy); {@code q = 0} spends
     * nothing.
     *
     * @throws IllegalArgumentException if {@code samplingProbability} is not in {@code [0, 1]},
     *     {@code noiseMultiplier} is not finite and {@code >= 0}, or {@code steps < 0}
     */
    public void compose(double samplingProbability, double noiseMultiplier, long steps) {
        Knobs.unit("samplingProbability", samplingProbability);
        Knobs.nonNegative("noiseMultiplier", noiseMultiplier);
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (steps == 0) {
            return;
        }
        if (samplingProbability != cachedQ || noiseMultiplier != cachedZ) {
            cachedRdp = sampledGaussianRdp(samplingProbability, noiseMultiplier, orders);
            cachedQ = samplingProbability;
            cachedZ = noiseMultiplier;
        }
        for (int i = 0; i < orders.length; i++) {
            rdp[i] += steps * cachedRdp[i];
        }
    }

    /**
     * The smallest {@code epsilon} such that everything composed so far is
     * {@code (epsilon, delta)}-DP, with the order it came from.
     *
     * @throws IllegalArgumentException if {@code delta} is not in {@code [0, 1]}
     */
    public PrivacySpent epsilon(double delta) {
        Knobs.unit("delta", delta);
        if (delta == 0) {
            boolean nothingSpent = Arrays.stream(rdp).allMatch(r -> r == 0);
            return new PrivacySpent(nothingSpent ? 0 : Double.POSITIVE_INFINITY, 0, orders[0]);
        }
        double best = Double.POSITIVE_INFINITY;
        int bestIndex = 0;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double r = rdp[i];
            double eps;
            if (delta * delta + Math.expm1(-r) > 0) {
                // the KL bound delta <= sqrt(1 - exp(-rdp)) is already met with epsilon = 0
                eps = 0;
            } else if (a > 1.01) {
                // (unstable as alpha -> 1, and useless there anyway)
                eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
            } else {
                eps = Double.POSITIVE_INFINITY;
            }
            if (eps < best) {
                best = eps;
                bestIndex = i;
            }
        }
        return new PrivacySpent(Math.max(0, best), delta, orders[bestIndex]);
    }

    /**
     * The smallest {@code delta} such that everything composed so far is
     * {@code (epsilon, delta)}-DP, with the order it came from.
     *
     * @throws IllegalArgumentException if {@code epsilon} is negative or NaN
     */
    public PrivacySpent delta(double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        double best = Double.POSITIVE_INFINITY;
        int bestIndex = 0;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double r = rdp[i];
            // the KL bound delta <= sqrt(1 - exp(-rdp))
            double logDelta = r == 0 ? Double.NEGATIVE_INFINITY : 0.5 * Math.log1p(-Math.exp(-r));
            if (a > 1.01) {
                logDelta = Math.min(logDelta, (a - 1) * (r - epsilon + Math.log1p(-1 / a)) - Math.log(a));
            }
            if (logDelta < best) {
                best = logDelta;
                bestIndex = i;
            }
        }
        return new PrivacySpent(epsilon, Math.min(Math.exp(best), 1.0), orders[bestIndex]);
    }

    /**
     * The RDP of one step of the Poisson-subsampled Gaussian mechanism at each order.
     *
     * @throws IllegalArgumentException as {@link #compose}, or for invalid orders
     */
    public static double[] sampledGaussianRdp(double samplingProbability, double noiseMultiplier, double[] orders) {
        Knobs.unit("samplingProbability", samplingProbability);
        Knobs.nonNegative("noiseMultiplier", noiseMultiplier);
        checkOrders(orders);
        double q = samplingProbability;
        double z = noiseMultiplier;
        double[] out = new double[orders.length];
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            if (q == 0) {
                out[i] = 0;
            } else if (z == 0) {
                out[i] = Double.POSITIVE_INFINITY;
            } else if (q == 1) {
                out[i] = a / (2 * z * z);
            } else {
                double logA = a == Math.rint(a) ? logAInt(q, z, (int) a) : logAFrac(q, z, a);
                out[i] = logA / (a - 1);
            }
        }
        return out;
    }

    /** {@code log(A_alpha)} for an integer order: {@code log sum_i C(a,i) q^i (1-q)^(a-i) exp((i^2 - i) / (2 z^2))}. */
    private static double logAInt(double q, double z, int alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        double logQ = Math.log(q);
        double log1mq = Math.log1p(-q);
        for (int i = 0; i <= alpha; i++) {
            double logCoef = logComb(alpha, i) + i * logQ + (alpha - i) * log1mq;
            logA = logAdd(logA, logCoef + (i * (double) i - i) / (2 * z * z));
        }
        return logA;
    }

    /**
     * {@code log(A_alpha)} for a fractional order, by the two series of Mironov et al. 2019,
     * Section 3.3, summed until both terms decrease and are below {@code e^-30} of the total.
     * Returns infinity (the order then never wins) if that takes more than 1000 terms.
     */
    private static double logAFrac(double q, double z, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = z * z * Math.log(1 / q - 1) + 0.5;
        double logQ = Math.log(q);
        double log1mq = Math.log1p(-q);
        double lastS0 = Double.NEGATIVE_INFINITY;
        double lastS1 = Double.NEGATIVE_INFINITY;
        double sqrt2z = Math.sqrt(2) * z;
        for (int i = 0; i < MAX_STEPS_LOG_A_FRAC; i++) {
            double logCoef = logComb(alpha, i);
            double j = alpha - i;
            double logT0 = logCoef + i * logQ + j * log1mq;
            double logT1 = logCoef + j * logQ + i * log1mq;
            double logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2z);
            double logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2z);
            double logS0 = logT0 + (i * (double) i - i) / (2 * z * z) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * z * z) + logE1;
            logA0 = logAdd(logA0, logS0);
            logA1 = logAdd(logA1, logS1);
            double total = logAdd(logA0, logA1);
            if (logS0 < lastS0 && logS1 < lastS1 && Math.max(logS0, logS1) < total - 30) {
                return total;
            }
            lastS0 = logS0;
            lastS1 = logS1;
        }
        return Double.POSITIVE_INFINITY;
    }

    /** {@code log |C(n, k)|} through {@code log |Gamma|}, for real {@code n} (as scipy's {@code gammaln}). */
    private static double logComb(double n, double k) {
        return logAbsGamma(n + 1) - logAbsGamma(k + 1) - logAbsGamma(n - k + 1);
    }

    /** {@code log |Gamma(x)|}, by the reflection formula for {@code x <= 0} (non-integer). */
    static double logAbsGamma(double x) {
        if (x > 0) {
            return Gamma.logGamma(x);
        }
        // Gamma(x) Gamma(1 - x) = pi / sin(pi x)
        return Math.log(Math.PI) - Math.log(Math.abs(Math.sin(Math.PI * x))) - Gamma.logGamma(1 - x);
    }

    /**
     * {@code log(erfc(x))}, accurate in the far tail where {@code erfc} underflows: beyond
     * {@code x = 25} by the asymptotic series
     * {@code -x^2 - log(x) - log(pi)/2 - 1/(2x^2) + 5/(8x^4) - 37/(24x^6) + 353/(64x^8)}
     * (dp_accounting's fallback), whose next term is below {@code 1e-12} there.
     */
    static double logErfc(double x) {
        if (x <= 25) {
            return Math.log(Erf.erfc(x));
        }
        double x2 = x * x;
        return -Math.log(Math.PI) / 2 - Math.log(x) - x2 - 0.5 / x2 + 0.625 / (x2 * x2)
                - 37.0 / 24.0 / (x2 * x2 * x2) + 353.0 / 64.0 / (x2 * x2 * x2 * x2);
    }

    /** {@code log(e^x + e^y)}. */
    private static double logAdd(double x, double y) {
        double a = Math.min(x, y);
        double b = Math.max(x, y);
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        return Math.log1p(Math.exp(a - b)) + b;
    }

    @Override
    public String toString() {
        return "RdpAccountant[orders=" + orders.length + ", epsilon(1e-5)=" + epsilon(1e-5).epsilon() + "]";
    }
}
