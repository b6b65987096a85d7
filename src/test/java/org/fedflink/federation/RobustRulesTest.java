package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Median, trimmed mean, Krum, Multi-Krum, Bulyan and norm bounding against hand-computed vectors.
 * Krum scores and the Bulyan selection are recomputed by
 * src/test/resources/org/fedflink/federation/expected_values.py.
 */
class RobustRulesTest {

    private static final float EPS = 1e-6f;

    private static float[] applyTo(AggregationStrategy s, float[] global, float[]... deltas) {
        RoundAccumulator round = s.newRound(global.length);
        for (float[] d : deltas) {
            round.add(d, 1);
        }
        s.apply(global, new float[s.stateSize(global.length)], round);
        return global;
    }

    @Test
    void median_oddCount_takesTheMiddleValuePerCoordinate() {
        // column 0: 1, 2, 3 -> 2; column 1: -2, 5, 10 -> 5
        float[] global = applyTo(Strategies.median(), new float[] {1, 1},
                new float[] {1, 10}, new float[] {3, -2}, new float[] {2, 5});

        assertThat(global).containsExactly(3f, 6f);
    }

    @Test
    void median_evenCount_averagesTheTwoMiddleValues() {
        // column 0: 1, 2, 3, 100 -> (2+3)/2 = 2.5; column 1: -2, 0, 5, 10 -> (0+5)/2 = 2.5
        float[] global = applyTo(Strategies.median(), new float[] {0, 0},
                new float[] {1, 10}, new float[] {3, -2}, new float[] {2, 5}, new float[] {100, 0});

        assertThat(global).containsExactly(2.5f, 2.5f);
    }

    @Test
    void trimmedMean_cutsFloorOfBetaTimesNAtEachEnd() {
        // n = 5, beta = 0.2: k = 1. column 0: 1, 2, 3, 4, 100 -> mean(2, 3, 4) = 3;
        // column 1: -50, 0, 1, 2, 3 -> mean(0, 1, 2) = 1
        float[] global = applyTo(Strategies.trimmedMean(0.2), new float[] {0, 0},
                new float[] {100, 1}, new float[] {1, -50}, new float[] {3, 0}, new float[] {2, 3},
                new float[] {4, 2});

        assertThat(global).containsExactly(3f, 1f);
    }

    @Test
    void trimmedMean_fewUpdates_cutsNothing() {
        // n = 4, beta = 0.2: k = (int) 0.8 = 0, the plain mean (1 + 2 + 3 + 100) / 4 = 26.5
        float[] global = applyTo(Strategies.trimmedMean(0.2), new float[] {0},
                new float[] {1}, new float[] {2}, new float[] {3}, new float[] {100});

        assertThat(global).containsExactly(26.5f);
        assertThat(new TrimmedMean(0.2).trimmed(4)).isZero();
        assertThat(new TrimmedMean(0.2).trimmed(10)).isEqualTo(2);
    }

    /** The Krum example: a Byzantine update first, then four honest ones along a line. */
    private static final float[][] KRUM_ROUND = {
        {50, -7}, {0, 7}, {1, 7}, {1.5f, 7}, {4, 7},
    };

    @Test
    void krum_selectsTheUpdateClosestToItsNeighbours() {
        // f = 1, n = 5: each score sums the n - f - 2 = 2 smallest squared distances.
        //   [0,7]:   to [1,7] 1, to [1.5,7] 2.25              -> 3.25
        //   [1,7]:   to [1.5,7] 0.25, to [0,7] 1              -> 1.25  (lowest)
        //   [1.5,7]: to [1,7] 0.25, to [0,7] 2.25             -> 2.5
        //   [4,7]:   to [1.5,7] 6.25, to [1,7] 9              -> 15.25
        //   [50,-7]: to [4,7] 46^2+14^2, to [1.5,7] 48.5^2+14^2 -> 4860.25
        Krum krum = new Krum(1);

        assertThat(krum.select(List.of(KRUM_ROUND))).isEqualTo(2);
        assertThat(applyTo(krum, new float[] {0, 0}, KRUM_ROUND)).containsExactly(1f, 7f);
    }

    @Test
    void multiKrum_averagesTheBestScoresUnweighted() {
        // the three lowest scores: [1,7] 1.25, [1.5,7] 2.5, [0,7] 3.25 -> mean [2.5/3, 7]
        MultiKrum multiKrum = new MultiKrum(1, 3);

        assertThat(multiKrum.select(List.of(KRUM_ROUND))).containsExactly(2, 3, 1);
        float[] global = applyTo(multiKrum, new float[] {0, 0}, KRUM_ROUND);
        assertThat(global[0]).isCloseTo(2.5f / 3, within(EPS));
        assertThat(global[1]).isEqualTo(7f);
    }

    @Test
    void multiKrum_selectingOne_isKrum() {
        float[] viaKrum = applyTo(Strategies.krum(1), new float[] {0, 0}, KRUM_ROUND);
        float[] viaMultiKrum = applyTo(Strategies.multiKrum(1, 1), new float[] {0, 0}, KRUM_ROUND);

        assertThat(viaMultiKrum).containsExactly(viaKrum);
    }

    @Test
    void bulyan_selectsByRepeatedKrumThenAveragesClosestToMedian() {
        // n = 7, f = 1: theta = 5 selected by repeated Krum, beta = 3 averaged per coordinate.
        // Repeated Krum selects indices 2, 3, 4, 0, 1 (never the outliers 5 and 6; expected_values.py).
        // Coordinate 0 of the selection: 2.5, 3, 4.2, 0, 1 -> median 2.5; the 3 closest are
        // 2.5, 3, 1 -> 6.5/3 = 2.1666667. Coordinate 1: 1, 0, 2, 5, -3 -> median 1; closest
        // 1, 0, 2 -> 1.
        float[][] updates = {
            {0, 5}, {1, -3}, {2.5f, 1}, {3, 0}, {4.2f, 2}, {100, 0.5f}, {-100, 9},
        };
        Bulyan bulyan = new Bulyan(1);

        assertThat(bulyan.select(List.of(updates))).containsExactly(2, 3, 4, 0, 1);
        float[] global = applyTo(bulyan, new float[] {0, 0}, updates);
        assertThat(global[0]).isCloseTo(6.5f / 3, within(EPS));
        assertThat(global[1]).isCloseTo(1f, within(EPS));
    }

    @Test
    void bulyan_noByzantine_isTheMean() {
        // f = 0: theta = n, beta = n, every value of every coordinate is kept
        float[] global = applyTo(Strategies.bulyan(0), new float[] {0},
                new float[] {1}, new float[] {2}, new float[] {6});

        assertThat(global).containsExactly(3f);
    }

    @Test
    void normBounding_clipsLongDeltasThenAveragesUnweighted() {
        // max norm 5: [3,4] (norm 5) is kept, [6,8] (norm 10) becomes [3,4], [0,1] is kept;
        // ([3,4] + [3,4] + [0,1]) / 3 = [2, 3]
        RoundAccumulator round = Strategies.normBounding(5).newRound(2);
        round.add(new float[] {3, 4}, 1);
        round.add(new float[] {6, 8}, 1000);
        round.add(new float[] {0, 1}, 1);
        float[] global = {0, 0};

        Strategies.normBounding(5).apply(global, null, round);

        assertThat(global[0]).isCloseTo(2f, within(EPS));
        assertThat(global[1]).isCloseTo(3f, within(EPS));
    }

    @Test
    void minUpdates_followThePapersBounds() {
        assertThat(Strategies.krum(0).minUpdates()).isEqualTo(3);
        assertThat(Strategies.krum(2).minUpdates()).isEqualTo(7);
        assertThat(Strategies.multiKrum(1, 2).minUpdates()).isEqualTo(5);
        assertThat(Strategies.multiKrum(1, 8).minUpdates()).isEqualTo(8);
        assertThat(Strategies.bulyan(1).minUpdates()).isEqualTo(7);
        assertThat(Strategies.bulyan(2).minUpdates()).isEqualTo(11);
        assertThat(Strategies.median().minUpdates()).isEqualTo(1);
        assertThat(Strategies.trimmedMean(0.4).minUpdates()).isEqualTo(1);
        assertThat(Strategies.fedAvg(1).minUpdates()).isEqualTo(1);
    }

    @Test
    void requiresSingleShard_onlyForDistanceBasedRules() {
        assertThat(Strategies.krum(1).requiresSingleShard()).isTrue();
        assertThat(Strategies.multiKrum(1, 2).requiresSingleShard()).isTrue();
        assertThat(Strategies.bulyan(1).requiresSingleShard()).isTrue();
        assertThat(Strategies.median().requiresSingleShard()).isFalse();
        assertThat(Strategies.trimmedMean(0.2).requiresSingleShard()).isFalse();
        assertThat(Strategies.normBounding(1).requiresSingleShard()).isFalse();
        assertThat(Strategies.fedAvg(1).requiresSingleShard()).isFalse();
    }

    @Test
    void apply_roundShorterThanMinUpdates_throwsIllegalState() {
        AggregationStrategy krum = Strategies.krum(1);
        RoundAccumulator round = krum.newRound(1);
        for (int i = 0; i < 4; i++) {
            round.add(new float[] {i}, 1);
        }

        assertThatThrownBy(() -> krum.apply(new float[1], null, round))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Krum[byzantineUpdates=1] needs at least 5 updates in a round, got 4");
    }

    @Test
    void apply_bulyanRoundShortenedByRejectedUpdates_throwsNamingThem() {
        AggregationStrategy bulyan = Strategies.bulyan(1);
        RoundAccumulator round = bulyan.newRound(1);
        for (int i = 0; i < 6; i++) {
            round.add(new float[] {i}, 1);
        }
        round.add(new float[] {Float.NaN}, 1);

        assertThat(round.updates()).isEqualTo(6);
        assertThat(round.rejected()).isEqualTo(1);
        assertThatThrownBy(() -> bulyan.apply(new float[1], null, round))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Bulyan[byzantineUpdates=1] needs at least 7 updates in a round, got 6 (1 rejected as non-finite)");
    }

    @Test
    void add_nonFiniteDeltas_areRejectedAndDoNotReachTheMedian() {
        AggregationStrategy median = Strategies.median();
        RoundAccumulator round = median.newRound(2);
        round.add(new float[] {1, 1}, 3);
        round.add(new float[] {Float.NaN, 0}, 4);
        round.add(new float[] {Float.NEGATIVE_INFINITY, 0}, 5);
        round.add(new float[] {3, 3}, 6);
        float[] global = {0, 0};

        median.apply(global, null, round);

        assertThat(round.rejected()).isEqualTo(2);
        assertThat(round.updates()).isEqualTo(2);
        assertThat(round.samples()).isEqualTo(9);
        assertThat(global).containsExactly(2f, 2f);
    }

    @Test
    void add_copiesTheDelta_soLaterChangesByTheCallerDoNotLeakIn() {
        AggregationStrategy median = Strategies.median();
        RoundAccumulator round = median.newRound(1);
        float[] delta = {4};
        round.add(delta, 1);
        delta[0] = 1000;
        float[] global = {0};

        median.apply(global, null, round);

        assertThat(global).containsExactly(4f);
    }

    @Test
    void add_badArguments_throwOneLineMessages() {
        RoundAccumulator round = Strategies.median().newRound(2);

        assertThatThrownBy(() -> round.add(new float[3], 1))
                .hasMessage("delta has length 3 but this round's shard has length 2");
        assertThatThrownBy(() -> round.add(new float[2], -1)).hasMessage("samples must be >= 0, got -1");
        assertThatThrownBy(() -> round.add(null, 1)).hasMessage("delta is required, got null");
        assertThatThrownBy(() -> round.add(new float[2], 1, -2)).hasMessage("staleness must be >= 0, got -2");
    }

    @Test
    void apply_roundOfAnotherFamily_throws() {
        RoundAccumulator fedAvgRound = Strategies.fedAvg(1).newRound(1);
        fedAvgRound.add(new float[] {1}, 1);

        assertThatThrownBy(() -> Strategies.median().apply(new float[1], null, fedAvgRound))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("round was not created by CoordinateMedian.newRound");
    }

    @Test
    void constructors_knobOutOfRange_throwNamingTheKnob() {
        assertThatThrownBy(() -> Strategies.trimmedMean(0.5)).hasMessage("beta must be in [0, 0.5), got 0.5");
        assertThatThrownBy(() -> Strategies.krum(-1)).hasMessage("byzantineUpdates must be >= 0, got -1");
        assertThatThrownBy(() -> Strategies.multiKrum(1, 0)).hasMessage("selectedUpdates must be >= 1, got 0");
        assertThatThrownBy(() -> Strategies.bulyan(-2)).hasMessage("byzantineUpdates must be >= 0, got -2");
        assertThatThrownBy(() -> Strategies.normBounding(Double.POSITIVE_INFINITY))
                .hasMessage("maxUpdateNorm must be finite and > 0, got Infinity");
    }

    @Test
    void toString_showsEveryKnob() {
        assertThat(Strategies.multiKrum(2, 4)).hasToString("MultiKrum[byzantineUpdates=2, selectedUpdates=4]");
        assertThat(Strategies.trimmedMean(0.2)).hasToString("TrimmedMean[beta=0.2]");
        assertThat(Strategies.normBounding(3)).hasToString("NormBounding[maxUpdateNorm=3.0]");
    }
}
