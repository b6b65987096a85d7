package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Contracts every strategy of the catalogue keeps: serializable values, zero-initialised state, rounds in state. */
class StrategyContractsTest {

    private static final List<AggregationStrategy> ALL = List.of(
            Strategies.fedAvgM(0.5, 0.9),
            Strategies.fedAdagrad(),
            Strategies.fedAdam(),
            Strategies.fedYogi(),
            Strategies.median(),
            Strategies.trimmedMean(0.2),
            Strategies.krum(1),
            Strategies.multiKrum(1, 2),
            Strategies.bulyan(1),
            Strategies.normBounding(2),
            Strategies.dpFixedClipping(1, 1, 5),
            Strategies.dpAdaptiveClipping(1, 100, 5),
            Strategies.fedBuff(1, StalenessWeight.inverseSqrt()),
            Strategies.scaffold(1));

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void serializedCopy_equalsOriginal() throws Exception {
        for (AggregationStrategy original : ALL) {
            assertThat(roundTrip(original)).as("%s", original).isEqualTo(original).hasToString(original.toString());
        }
    }

    @Test
    void everyStrategy_appliesARoundOfEightSmallUpdatesToAZeroState() {
        for (AggregationStrategy s : ALL) {
            RoundAccumulator round = s.newRound(3);
            for (int i = 0; i < 8; i++) {
                round.add(new float[] {0.01f * i, -0.02f, 0.03f}, 5, i % 3);
            }
            float[] global = {1, 2, 3};
            float[] state = new float[s.stateSize(3)];

            s.apply(global, state, round);

            assertThat(round.updates()).as("%s", s).isEqualTo(8);
            assertThat(global).as("%s", s).doesNotContain(Float.NaN).isNotEqualTo(new float[] {1, 2, 3});
        }
    }

    @Test
    void sparseUpdates_aggregateExactlyAsTheirDenseForm() {
        List<AggregationStrategy> all = new java.util.ArrayList<>(ALL);
        all.add(Strategies.fedAvg(1));
        all.add(Strategies.sum());
        int[][] indices = {{0, 3}, {}, {1, 2, 4}, {4}, {0, 1, 2, 3, 4}, {2}, {3, 4}};
        for (AggregationStrategy s : all) {
            RoundAccumulator sparse = s.newRound(5);
            RoundAccumulator dense = s.newRound(5);
            for (int u = 0; u < indices.length; u++) {
                float[] values = new float[indices[u].length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = 0.01f * (u + 1) * (i % 2 == 0 ? 1 : -2);
                }
                sparse.addSparse(5, indices[u], values, u + 1, u % 2);
                dense.add(Vectors.scatter(5, indices[u], values), u + 1, u % 2);
            }
            float[] viaSparse = {1, 2, 3, 4, 5};
            float[] viaDense = viaSparse.clone();

            s.apply(viaSparse, new float[s.stateSize(5)], sparse);
            s.apply(viaDense, new float[s.stateSize(5)], dense);

            assertThat(sparse.updates()).as("%s", s).isEqualTo(dense.updates());
            assertThat(sparse.samples()).as("%s", s).isEqualTo(dense.samples());
            assertThat(viaSparse).as("%s", s).containsExactly(viaDense);
        }
    }

    @Test
    void sparseUpdate_withAnIndexOutsideTheShard_isRefused() {
        for (AggregationStrategy s : List.of(Strategies.fedAvg(1), Strategies.median())) {
            RoundAccumulator round = s.newRound(3);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> round.addSparse(3, new int[] {3}, new float[] {1}, 1, 0))
                    .as("%s", s)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("index 3");
        }
    }

    @Test
    void pendingRound_survivesSerialization() throws Exception {
        for (AggregationStrategy s : ALL) {
            RoundAccumulator round = s.newRound(2);
            for (int i = 0; i < 7; i++) {
                round.add(new float[] {i, -i}, 1);
            }
            RoundAccumulator copy = roundTrip(round);
            float[] viaOriginal = {0, 0};
            float[] viaCopy = {0, 0};

            s.apply(viaOriginal, new float[s.stateSize(2)], round);
            s.apply(viaCopy, new float[s.stateSize(2)], copy);

            assertThat(viaCopy).as("%s", s).containsExactly(viaOriginal);
        }
    }

    @Test
    void roundCounter_isExactBeyondTheFloatMantissa() {
        float[] state = new float[2];
        long start = (1L << 24) - 2;
        state[0] = (float) (start & 0xFFFFFF);
        state[1] = (float) (start >>> 24);

        for (int i = 0; i < 5; i++) {
            RoundCounter.increment(state, 0);
        }

        assertThat(RoundCounter.read(state, 0)).isEqualTo(start + 5);
    }
}
