package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /**
     * Sparse updates aggregate bit for bit as their dense form: in a small shard (held dense at
     * once), in a large one whose round stays sparse, and in one whose round turns dense half-way
     * (more than a quarter of the shard moved).
     */
    @ParameterizedTest
    @CsvSource({"5, 0", "64, 0", "32, 12"})
    void sparseUpdates_aggregateExactlyAsTheirDenseForm(int length, int spread) {
        List<AggregationStrategy> all = new java.util.ArrayList<>(ALL);
        all.add(Strategies.fedAvg(1));
        all.add(new FedAvg(0.5, true));
        all.add(Strategies.sum());
        int[][] indices = {{0, 3}, {}, {1, 2, 4}, {4}, {0, 1, 2, 3, 4}, {2}, {3, 4}};
        for (AggregationStrategy s : all) {
            RoundAccumulator sparse = s.newRound(length);
            RoundAccumulator dense = s.newRound(length);
            for (int u = 0; u < indices.length; u++) {
                // with a spread, later updates move coordinates further out, past a quarter of the shard
                int shift = spread * u / indices.length;
                int[] moved = java.util.Arrays.stream(indices[u]).map(i -> (i * (1 + shift)) % length).toArray();
                float[] values = new float[moved.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = 0.01f * (u + 1) * (i % 2 == 0 ? 1 : -2);
                }
                sparse.addSparse(length, moved, values, u + 1, u % 2);
                dense.add(Vectors.scatter(length, moved, values), u + 1, u % 2);
            }
            float[] viaSparse = new float[length];
            for (int i = 0; i < length; i++) {
                viaSparse[i] = 1 + i;
            }
            float[] viaDense = viaSparse.clone();

            s.apply(viaSparse, new float[s.stateSize(length)], sparse);
            s.apply(viaDense, new float[s.stateSize(length)], dense);

            assertThat(sparse.updates()).as("%s", s).isEqualTo(dense.updates());
            assertThat(sparse.samples()).as("%s", s).isEqualTo(dense.samples());
            assertThat(viaSparse).as("%s", s).containsExactly(viaDense);
        }
    }

    /**
     * A strategy that names the coordinates a round moved changes no other; FedAvg and sum name
     * them for a round of sparse updates (so the server saves and scales only those), and no one
     * names them once a dense update came.
     */
    @Test
    void movedCoordinates_coverEveryCoordinateTheStepChanges() {
        List<AggregationStrategy> all = new java.util.ArrayList<>(ALL);
        all.add(Strategies.fedAvg(1));
        all.add(new FedAvg(0.5, true));
        all.add(Strategies.sum());
        int length = 40;
        for (AggregationStrategy s : all) {
            RoundAccumulator round = s.newRound(length);
            int[][] indices = {{0, 33}, {33}, {4, 0}, {33}, {0}, {4}, {33, 4}, {0}};
            for (int u = 0; u < indices.length; u++) {
                float[] values = new float[indices[u].length];
                java.util.Arrays.fill(values, 0.1f * (u + 1));
                round.addSparse(length, indices[u], values, u + 1, 0);
            }
            float[] global = new float[length];
            java.util.Arrays.fill(global, 2);
            int[] moved = s.movedCoordinates(round);

            s.apply(global, new float[s.stateSize(length)], round);

            if (moved != null) {
                assertThat(moved).as("%s", s).containsExactlyInAnyOrder(0, 33, 4);
                for (int i = 0; i < length; i++) {
                    if (i != 0 && i != 33 && i != 4) {
                        assertThat(global[i]).as("%s at %d", s, i).isEqualTo(2);
                    }
                }
            }
            if (s instanceof FedAvg || s instanceof SumStrategy) {
                assertThat(moved).as("%s names what it moved", s).isNotNull();
                RoundAccumulator mixed = s.newRound(length);
                mixed.addSparse(length, new int[] {1}, new float[] {1}, 1, 0);
                mixed.add(new float[length], 1, 0);
                assertThat(s.movedCoordinates(mixed)).as("%s after a dense update", s).isNull();
            }
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
