package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The RDP accountant against published numbers of Google's accountant (the one behind TensorFlow
 * Privacy's compute_dp_sgd_privacy). Each expected value names its source.
 */
class RdpAccountantTest {

    /** Epsilon of DP-SGD over {@code n} examples, as TF Privacy's compute_dp_sgd_privacy computes it. */
    private static PrivacySpent dpSgd(double n, int batchSize, double noiseMultiplier, double epochs, double delta) {
        RdpAccountant accountant = new RdpAccountant();
        // q = batch / n; steps = ceil(epochs * n / batch), as compute_dp_sgd_privacy_lib.compute_dp_sgd_privacy
        accountant.compose(batchSize / n, noiseMultiplier, (long) Math.ceil(epochs * n / batchSize));
        return accountant.epsilon(delta);
    }

    @Test
    void epsilon_matchesTensorFlowPrivacyTest0() {
        // tensorflow/privacy, tensorflow_privacy/privacy/analysis/compute_dp_sgd_privacy_test.py,
        // test_compute_dp_sgd_privacy 'Test0': (60000, 150, 1.3, 15, 1e-5) -> 0.7242234026109595, order 19
        PrivacySpent spent = dpSgd(60000, 150, 1.3, 15, 1e-5);

        assertThat(spent.epsilon()).isCloseTo(0.7242234026109595, within(1e-9));
        assertThat(spent.order()).isEqualTo(19.0);
    }

    @Test
    void epsilon_matchesTensorFlowPrivacyTest1() {
        // same file, 'Test1': (100000, 100, 1.0, 30, 1e-7) -> 1.4154988495444842, order 13
        PrivacySpent spent = dpSgd(100000, 100, 1.0, 30, 1e-7);

        assertThat(spent.epsilon()).isCloseTo(1.4154988495444842, within(1e-9));
        assertThat(spent.order()).isEqualTo(13.0);
    }

    @Test
    void epsilon_fractionalOrderWins_matchesTensorFlowPrivacyTest2() {
        // same file, 'Test2': (100000000, 1024, 0.1, 10, 1e-7) -> 5907982.3113984, order 1.25; the
        // optimum at the fractional order 1.25 exercises the erfc series of Mironov et al. Sec. 3.3
        PrivacySpent spent = dpSgd(100_000_000, 1024, 0.1, 10, 1e-7);

        assertThat(spent.epsilon()).isCloseTo(5907982.3113984, within(1e-3));
        assertThat(spent.order()).isEqualTo(1.25);
    }

    @Test
    void classicConversion_reproducesTheTutorialsEpsilon() {
        // tensorflow/privacy tutorials/README.md: "compute_dp_sgd_privacy.py --N=60000 --batch_size=256
        // --noise_multiplier=1.1 --epochs=60 --delta=1e-5 ... satisfies differential privacy with
        // eps = 3.01". That figure predates the tighter conversion and used Mironov 2017's
        // eps = min over orders of (rdp - log(delta) / (order - 1)), recomputed here from our RDP.
        RdpAccountant accountant = new RdpAccountant();
        accountant.compose(256 / 60000.0, 1.1, (long) Math.ceil(60 * 60000 / 256.0));
        double[] orders = accountant.orders();
        double[] rdp = accountant.rdp();
        double classic = Double.POSITIVE_INFINITY;
        for (int i = 0; i < orders.length; i++) {
            classic = Math.min(classic, rdp[i] - Math.log(1e-5) / (orders[i] - 1));
        }

        assertThat(classic).isCloseTo(3.01, within(0.005));
        // the conversion of Balle et al. 2020 is tighter
        assertThat(accountant.epsilon(1e-5).epsilon()).isLessThan(classic);
    }

    @Test
    void rdp_matchesDpAccountingPoissonSampledGaussianTest() {
        // google/differential-privacy, python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant_test.py,
        // test_compute_rdp_poisson_sampled_gaussian: q = 0.01, sigma = 2.5, 50 steps, rtol 1e-4
        double[] orders = {1.5, 2.5, 5, 50, 100};
        double[] expected = {6.70579741e-04, 1.08548710e-03, 2.18075656e-03, 2.38460375e-02, 1.67416308e02};
        RdpAccountant accountant = new RdpAccountant(orders);

        accountant.compose(0.01, 2.5, 50);

        double[] rdp = accountant.rdp();
        for (int i = 0; i < orders.length; i++) {
            assertThat(rdp[i]).as("order %s", orders[i]).isCloseTo(expected[i], within(expected[i] * 1e-4));
        }
    }

    @Test
    void rdp_fullBatchGaussian_isAlphaOverTwoSigmaSquared() {
        // without subsampling the Gaussian mechanism has RDP alpha / (2 sigma^2) (Mironov 2017, Prop. 7)
        double[] rdp = RdpAccountant.sampledGaussianRdp(1.0, 2.0, new double[] {2, 10.5});

        assertThat(rdp).containsExactly(2 / 8.0, 10.5 / 8.0);
    }

    @Test
    void compose_isAdditiveOverSteps() {
        RdpAccountant once = new RdpAccountant();
        once.compose(0.01, 1.1, 300);
        RdpAccountant inParts = new RdpAccountant();
        inParts.compose(0.01, 1.1, 100);
        inParts.compose(0.01, 1.1, 200);

        double[] a = once.rdp();
        double[] b = inParts.rdp();
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(a[i], within(1e-12 * a[i]));
        }
    }

    @Test
    void state_roundTripsThroughADoubleArray() {
        RdpAccountant accountant = new RdpAccountant();
        accountant.compose(0.0025, 1.3, 6000);

        double[] state = accountant.toState();
        RdpAccountant restored = RdpAccountant.fromState(state);
        restored.compose(0.0025, 1.3, 0);

        assertThat(state).hasSize(2 * RdpAccountant.defaultOrders().length);
        assertThat(restored.rdp()).containsExactly(accountant.rdp());
        assertThat(restored.epsilon(1e-5)).isEqualTo(accountant.epsilon(1e-5));
    }

    @Test
    void nothingSpent_givesZeroEpsilon_andNoNoiseGivesInfinity() {
        assertThat(new RdpAccountant().epsilon(1e-5).epsilon()).isZero();
        RdpAccountant noNoise = new RdpAccountant();
        noNoise.compose(0.1, 0, 1);
        assertThat(noNoise.epsilon(1e-5).epsilon()).isInfinite();
        RdpAccountant notSampled = new RdpAccountant();
        notSampled.compose(0, 1, 1000);
        assertThat(notSampled.epsilon(1e-5).epsilon()).isZero();
    }

    @Test
    void delta_isConsistentWithEpsilon() {
        RdpAccountant accountant = new RdpAccountant();
        accountant.compose(0.0025, 1.3, 6000);
        double eps = accountant.epsilon(1e-5).epsilon();

        // the delta at that epsilon is (up to rounding) the delta asked for
        assertThat(accountant.delta(eps).delta()).isCloseTo(1e-5, within(1e-9));
    }

    @Test
    void defaultOrders_areTensorFlowPrivacys() {
        double[] orders = RdpAccountant.defaultOrders();

        assertThat(orders).hasSize(72).startsWith(1.25, 1.5, 1.75, 2.0).endsWith(63, 128, 256, 512);
    }

    @Test
    void badArguments_throwOneLineMessages() {
        RdpAccountant accountant = new RdpAccountant();
        assertThatThrownBy(() -> accountant.compose(1.5, 1, 1))
                .hasMessage("samplingProbability must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> accountant.compose(0.1, -1, 1))
                .hasMessage("noiseMultiplier must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> accountant.compose(0.1, 1, -1)).hasMessage("steps must be >= 0, got -1");
        assertThatThrownBy(() -> new RdpAccountant(new double[] {1.0}))
                .hasMessage("every order must be finite and > 1, got 1.0");
        assertThatThrownBy(() -> RdpAccountant.fromState(new double[3]))
                .hasMessage("accountant state must hold orders and as many RDP values, got 3 values");
        assertThatThrownBy(() -> accountant.epsilon(2)).hasMessage("delta must be in [0, 1], got 2.0");
    }
}
