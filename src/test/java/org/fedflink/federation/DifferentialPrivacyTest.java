package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** DP-FedAvg (fixed and adaptive clipping) and local DP. */
class DifferentialPrivacyTest {

    private static final float EPS = 1e-6f;

    private static RoundAccumulator round(AggregationStrategy s, int length, float[]... deltas) {
        RoundAccumulator round = s.newRound(length);
        for (float[] d : deltas) {
            round.add(d, 10);
        }
        return round;
    }

    @Test
    void fixedClipping_withoutNoise_isTheUnweightedMeanOfClippedDeltas() {
        AggregationStrategy s = Strategies.dpFixedClipping(5, 0, 1);
        float[] global = {1, 1};
        float[] state = new float[s.stateSize(2)];

        // C = 5: [6,8] (norm 10) -> [3,4]; [0,-2] kept; mean ([3,4] + [0,-2]) / 2 = [1.5, 1]
        s.apply(global, state, round(s, 2, new float[] {6, 8}, new float[] {0, -2}));

        assertThat(global[0]).isCloseTo(2.5f, within(EPS));
        assertThat(global[1]).isCloseTo(2f, within(EPS));
        assertThat(RoundCounter.read(state, 0)).isEqualTo(1);
    }

    @Test
    void fixedClipping_noise_hasStddevZTimesClipOverUpdates() {
        // z = 1.5, C = 2, n = 4 zero deltas: every coordinate gets N(0, (1.5 * 2 / 4)^2) = N(0, 0.75^2).
        // 40000 coordinates: the sample std is within 1% of 0.75 with overwhelming probability
        // (its relative standard error is 1/sqrt(2 * 40000) = 0.35%); the seed is fixed anyway.
        int length = 40_000;
        DpFixedClipping s = new DpFixedClipping(2, 1.5, 7);
        float[] global = new float[length];
        s.apply(global, new float[s.stateSize(length)],
                round(s, length, new float[length], new float[length], new float[length], new float[length]));

        double sum = 0;
        double sumSq = 0;
        for (float g : global) {
            sum += g;
            sumSq += (double) g * g;
        }
        double mean = sum / length;
        double std = Math.sqrt(sumSq / length - mean * mean);
        assertThat(s.noiseStddev(4)).isEqualTo(0.75);
        assertThat(mean).isCloseTo(0, within(0.02));
        assertThat(std).isCloseTo(0.75, within(0.0075));
    }

    @Test
    void fixedClipping_noise_isAFunctionOfSeedAndRound() {
        DpFixedClipping s = new DpFixedClipping(1, 1, 42);
        float[] first = applyOnce(s, new float[s.stateSize(3)]);
        float[] again = applyOnce(s, new float[s.stateSize(3)]);
        float[] state = new float[s.stateSize(3)];
        applyOnce(s, state);
        float[] secondRound = applyOnce(s, state);
        float[] otherSeed = applyOnce(new DpFixedClipping(1, 1, 43), new float[2]);

        assertThat(again).containsExactly(first);
        assertThat(secondRound).isNotEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    private static float[] applyOnce(AggregationStrategy s, float[] state) {
        float[] global = new float[3];
        s.apply(global, state, round(s, 3, new float[] {0.1f, 0.2f, 0.3f}));
        return global;
    }

    @Test
    void adaptiveClipping_oneStep_clipsWithCurrentNormThenMovesItGeometrically() {
        // z = 0 and sigma_b = 0: no noise. C0 = 1, gamma = 0.5, eta_C = 0.2.
        // Norms 0.5, 0.9, 0.8 are <= 1 (unclipped); [3,4] (norm 5) is clipped to [0.6, 0.8].
        // Mean: ([0.3,0.4] + [0,0.9] + [0.8,0] + [0.6,0.8]) / 4 = [1.7, 2.1] / 4 = [0.425, 0.525].
        // Unclipped fraction 3/4: C1 = 1 * exp(-0.2 * (0.75 - 0.5)) = exp(-0.05) = 0.9512294
        DpAdaptiveClipping s = new DpAdaptiveClipping(0, 1, 0.5, 0.2, 0, 9);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];
        assertThat(s.clippingNorm(state)).isEqualTo(1.0);

        s.apply(global, state, round(s, 2,
                new float[] {0.3f, 0.4f}, new float[] {0, 0.9f}, new float[] {0.8f, 0}, new float[] {3, 4}));

        assertThat(global[0]).isCloseTo(0.425f, within(EPS));
        assertThat(global[1]).isCloseTo(0.525f, within(EPS));
        assertThat(s.clippingNorm(state)).isCloseTo(Math.exp(-0.05), within(1e-7));
    }

    @Test
    void adaptiveClipping_allClipped_growsTheNorm() {
        // one update of norm 5 > C0 = 0.1: fraction 0, C1 = 0.1 * exp(0.2 * 0.5) = 0.1105171
        DpAdaptiveClipping s = new DpAdaptiveClipping(0, 0.1, 0.5, 0.2, 0, 9);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];

        s.apply(global, state, round(s, 2, new float[] {3, 4}));

        assertThat(s.clippingNorm(state)).isCloseTo(0.1 * Math.exp(0.1), within(1e-8));
        // the update was clipped with the round's own norm 0.1: [0.06, 0.08]
        assertThat(global[0]).isCloseTo(0.06f, within(EPS));
        assertThat(global[1]).isCloseTo(0.08f, within(EPS));
    }

    @Test
    void adaptiveClipping_updateNoiseMultiplier_makesUpForTheCountNoise() {
        // z = 1, sigma_b = 5: zDelta = (1 - (2*5)^-2)^(-1/2) = 1 / sqrt(0.99) = 1.0050378
        DpAdaptiveClipping s = new DpAdaptiveClipping(1, 0.1, 0.5, 0.2, 5, 0);

        assertThat(s.updateNoiseMultiplier()).isCloseTo(1 / Math.sqrt(0.99), within(1e-12));
        assertThat(new DpAdaptiveClipping(0, 0.1, 0.5, 0.2, 0, 0).updateNoiseMultiplier()).isZero();
    }

    @Test
    void adaptiveClipping_defaultsFactory_usesExpectedUpdatesOverTwenty() {
        assertThat(Strategies.dpAdaptiveClipping(1.0, 100, 3))
                .isEqualTo(new DpAdaptiveClipping(1.0, 0.1, 0.5, 0.2, 5.0, 3));
    }

    /** Flower: {@code clipped_count_stddev} defaults to 0, and to clients / 20 only with noise. */
    @Test
    void adaptiveClipping_defaultsFactory_withoutNoise_noisesNoCount() {
        assertThat(Strategies.dpAdaptiveClipping(0.0, 100, 3))
                .isEqualTo(new DpAdaptiveClipping(0.0, 0.1, 0.5, 0.2, 0.0, 3));
    }

    @Test
    void adaptiveClipping_countNoiseTooSmall_throwsNamingTheBound() {
        assertThatThrownBy(() -> Strategies.dpAdaptiveClipping(1.1, 10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clippedCountStddev must be > noiseMultiplier / 2 = 0.55 so that the update noise can "
                        + "make up the rest, got 0.5");
    }

    @Test
    void adaptiveClipping_withNoise_isDeterministicPerSeedAndRound() {
        DpAdaptiveClipping s = new DpAdaptiveClipping(1, 0.5, 0.5, 0.2, 2, 11);
        float[] stateA = new float[s.stateSize(3)];
        float[] stateB = new float[s.stateSize(3)];

        float[] a = applyOnce(s, stateA);
        float[] b = applyOnce(s, stateB);

        assertThat(b).containsExactly(a);
        assertThat(stateB).containsExactly(stateA);
        assertThat(s.clippingNorm(stateA)).isNotEqualTo(0.5);
    }

    @Test
    void dp_requiresASingleShardAndHasSmallState() {
        assertThat(Strategies.dpFixedClipping(1, 1, 0).requiresSingleShard()).isTrue();
        assertThat(Strategies.dpAdaptiveClipping(1, 100, 0).requiresSingleShard()).isTrue();
        assertThat(Strategies.dpFixedClipping(1, 1, 0).stateSize(1000)).isEqualTo(2);
        assertThat(Strategies.dpAdaptiveClipping(1, 100, 0).stateSize(1000)).isEqualTo(3);
    }

    @Test
    void dp_knobsOutOfRange_throwNamingTheKnob() {
        assertThatThrownBy(() -> Strategies.dpFixedClipping(0, 1, 0))
                .hasMessage("clippingNorm must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> Strategies.dpFixedClipping(1, -1, 0))
                .hasMessage("noiseMultiplier must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> Strategies.dpAdaptiveClipping(1, 0.1, 1.5, 0.2, 5, 0))
                .hasMessage("clippingNormQuantile must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> Strategies.dpAdaptiveClipping(1, 0, 0))
                .hasMessage("expectedUpdatesPerRound must be >= 1, got 0");
    }

    @Test
    void localDp_clipsThenAddsSeededNoise() {
        LocalDp noiseless = LocalDp.withNoiseMultiplier(1, 0);
        float[] delta = {3, 4};
        noiseless.privatize(delta, 5);
        // norm 5 clipped to 1: [0.6, 0.8]
        assertThat(delta[0]).isCloseTo(0.6f, within(EPS));
        assertThat(delta[1]).isCloseTo(0.8f, within(EPS));

        LocalDp noisy = LocalDp.withNoiseMultiplier(1, 2);
        float[] a = {3, 4};
        float[] b = {3, 4};
        float[] c = {3, 4};
        noisy.privatize(a, 5);
        noisy.privatize(b, 5);
        noisy.privatize(c, 6);
        assertThat(noisy.noiseStddev()).isEqualTo(2.0);
        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void localDp_epsilonDelta_isTheClassicGaussianMechanism() {
        // sensitivity 1, epsilon 1, delta 1e-5: sqrt(2 ln(1.25e5)) = sqrt(2 * 11.7361) = 4.844805
        LocalDp dp = LocalDp.withEpsilonDelta(1, 1, 1, 1e-5);

        assertThat(dp.noiseStddev()).isCloseTo(4.844805, within(1e-6));
        assertThatThrownBy(() -> LocalDp.withEpsilonDelta(1, 1, 1, 0)).hasMessage("delta must be in (0, 1), got 0.0");
        assertThatThrownBy(() -> dp.privatize(new float[] {Float.NaN}, 1))
                .hasMessage("delta must be finite to be clipped, got a NaN or an infinity");
    }
}
