package org.fedflink.federation;

import java.util.List;
import java.util.Optional;
import org.fedflink.data.DistinctCount;
import org.fedflink.drift.DriftSettings;
import org.fedflink.drift.FederationDrift;
import org.fedflink.eval.SlidingWindow;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The server of one shard, without Flink: rounds, staleness, skipped rounds, privacy. */
class ShardServerTest {

    private record Update(String source, long baseVersion, long samples, float[] delta, int[] deltaIndices)
            implements ClientUpdate {
        Update(String source, long baseVersion, long samples, float[] delta) {
            this(source, baseVersion, samples, delta, null);
        }

        @Override
        public double lossSum() {
            return 0.5 * samples;
        }

        @Override
        public long correct() {
            return samples / 2;
        }

        @Override
        public float[] controlDelta() {
            return null;
        }

        @Override
        public float[] exampleLosses() {
            return null;
        }

        @Override
        public long[] exampleCorrect() {
            return null;
        }
    }

    private static ShardServer<Update> server(int updatesPerRound, long maxStaleness, Optional<PrivacyLedger> privacy) {
        return server(new FedAvg(1.0), updatesPerRound, maxStaleness, privacy);
    }

    private static ShardServer<Update> server(AggregationStrategy strategy, int updatesPerRound, long maxStaleness,
            Optional<PrivacyLedger> privacy) {
        return server(strategy, updatesPerRound, maxStaleness, privacy, new float[2]);
    }

    private static ShardServer<Update> server(AggregationStrategy strategy, int updatesPerRound, long maxStaleness,
            Optional<PrivacyLedger> privacy, float[] params) {
        return new ShardServer<>(0, 1, strategy, new RoundPolicy(updatesPerRound, 1, 1, 0, null, null),
                FederationDrift.of(DriftSettings.none(), true, 0, 0, null, null), Optional.empty(), privacy,
                maxStaleness, new SlidingWindow(100), new ShardServerState<>(params, new float[0], 0, 0, 0, 0,
                        0, List.of(), new DistinctCount.State(new String[0], null), 0, 0, 0, Long.MIN_VALUE));
    }

    /**
     * Sparse updates take the server's sparse path (only the moved coordinates saved, stepped and
     * shortened); the model must come out exactly as from the same updates sent dense, through
     * full rounds and rounds closed short (a shorter step).
     */
    @Test
    void sparseUpdates_giveTheModelOfTheirDenseForm_inFullAndShortRounds() {
        for (AggregationStrategy strategy : List.of(new FedAvg(1.0), new FedAvg(0.7, true), Strategies.sum())) {
            // 64 parameters, a round moving at most a quarter of them: held sparse
            float[] start = new float[64];
            for (int i = 0; i < start.length; i++) {
                start[i] = 0.25f * (i % 7) - 0.5f;
            }
            ShardServer<Update> sparse = server(strategy, 2, 0, Optional.empty(), start.clone());
            ShardServer<Update> dense = server(strategy, 2, 0, Optional.empty(), start.clone());
            int[][] indices = {{0, 33}, {33, 50}, {1}, {0, 50}, {2, 33, 40}, {40}};
            // a round of two, a round closed after one update (short), then two more of two
            int[][] rounds = {{0, 1}, {2}, {3, 4}, {5}};
            for (int[] round : rounds) {
                for (int u : round) {
                    float[] values = new float[indices[u].length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = 0.1f * (u + 1) * (i % 2 == 0 ? 1 : -3);
                    }
                    long samples = 5 + 7L * u;
                    sparse.offer(new Update("s" + u % 3, sparse.version(), samples, values, indices[u]), u);
                    dense.offer(new Update("s" + u % 3, dense.version(), samples,
                            Vectors.scatter(start.length, indices[u], values)), u);
                }
                ClosedRound viaSparse = sparse.close();
                ClosedRound viaDense = dense.close();
                assertThat(viaSparse).as("%s", strategy).isEqualTo(viaDense);
                assertThat(sparse.params()).as("%s", strategy).containsExactly(dense.params());
            }
            assertThat(sparse.params()).as("%s", strategy).isNotEqualTo(start);
        }
    }

    /**
     * A version made of sparse updates names the coordinates it changed (what the aggregator
     * publishes alone): every other coordinate is as in the version before. Dense updates and a
     * server yet to make a version name none.
     */
    @Test
    void changedByVersion_namesExactlyTheCoordinatesASparseRoundMoved() {
        float[] start = new float[64];
        ShardServer<Update> sparse = server(new FedAvg(1.0), 2, 0, Optional.empty(), start.clone());
        assertThat(sparse.changedByVersion()).isNull();
        float[] before = sparse.params();
        sparse.offer(new Update("a", 0, 5, new float[] {1, -2}, new int[] {3, 40}), 1);
        sparse.offer(new Update("b", 0, 5, new float[] {4}, new int[] {40}), 2);
        sparse.close();
        assertThat(sparse.changedByVersion()).containsExactlyInAnyOrder(3, 40);
        float[] after = sparse.params();
        for (int i = 0; i < after.length; i++) {
            if (i != 3 && i != 40) {
                assertThat(after[i]).as("coordinate %d", i).isEqualTo(before[i]);
            }
        }
        assertThat(sparse.paramsAt(new int[] {40, 3})).containsExactly(after[40], after[3]);
        sparse.nextVersionSameModel();
        assertThat(sparse.changedByVersion()).isEmpty();

        ShardServer<Update> dense = server(new FedAvg(1.0), 1, 0, Optional.empty(), start.clone());
        dense.offer(new Update("a", 0, 5, Vectors.scatter(64, new int[] {3}, new float[] {1})), 1);
        dense.close();
        assertThat(dense.changedByVersion()).isNull();
    }

    private static ShardServerState<Update> fresh() {
        return new ShardServerState<>(new float[2], new float[0], 0, 0, 0, 0, 0, List.of(),
                new DistinctCount.State(new String[0], null), 0, 0, 0, Long.MIN_VALUE);
    }

    private static ShardServer<Update> counting(long countStaleness, ShardServerState<Update> state) {
        return new ShardServer<>(0, 1, new FedAvg(1.0), new RoundPolicy(2, 1, 1, countStaleness, null, null),
                FederationDrift.of(DriftSettings.none(), true, 0, 0, null, null), Optional.empty(), Optional.empty(),
                0, new SlidingWindow(100), state);
    }

    /**
     * A burst of updates computed from one version (every source reporting at an event-time
     * boundary): counted, they fill round after round, each a whole step in the same direction;
     * with {@code countStaleness} those staler than it join the next round without filling it, which
     * fresh updates fill, so the burst makes one mean step. The count survives a checkpoint.
     */
    @Test
    void updatesStalerThanCounted_joinTheRoundWithoutFillingIt() {
        ShardServer<Update> everyUpdate = counting(0, fresh());
        ShardServer<Update> counted = counting(1, fresh());
        for (int u = 0; u < 10; u++) {
            Update burst = new Update("s" + u, 0, 1, new float[] {1, 0});
            if (everyUpdate.offer(burst, u) == ShardServer.Arrival.ROUND_FULL) {
                everyUpdate.close();
            }
            ShardServer.Arrival arrival = counted.offer(burst, u);
            // staleness 0 and 1 count (versions 1 and 2); from the fifth update on, 2 versions behind
            assertThat(arrival).as("update %d", u).isEqualTo(u == 1 || u == 3 ? ShardServer.Arrival.ROUND_FULL
                    : u == 0 || u == 2 || u == 4 ? ShardServer.Arrival.OPENED_ROUND : ShardServer.Arrival.ADDED);
            if (arrival == ShardServer.Arrival.ROUND_FULL) {
                counted.close();
            }
        }
        assertThat(everyUpdate.version()).isEqualTo(5);
        assertThat(everyUpdate.params()).containsExactly(5f, 0f);
        assertThat(counted.version()).isEqualTo(2);
        ShardServer<Update> restored = counting(1, counted.state());
        Update fresh = new Update("f", 2, 1, new float[] {0, 1});
        assertThat(restored.offer(fresh, 10)).isEqualTo(ShardServer.Arrival.ADDED);
        assertThat(restored.offer(fresh, 11)).isEqualTo(ShardServer.Arrival.ROUND_FULL);
        ClosedRound round = restored.close();
        assertThat(round.updates()).isEqualTo(8);
        // two whole steps, then one mean step of the six stale updates and the two fresh ones
        assertThat(restored.params()).containsExactly(2.75f, 0.25f);
    }

    @Test
    void aFullRound_isTheSampleWeightedMeanOfItsUpdates_andANewVersion() {
        ShardServer<Update> server = server(2, 0, Optional.empty());
        assertThat(server.offer(new Update("a", 0, 10, new float[] {1, 0}), Long.MIN_VALUE))
                .isEqualTo(ShardServer.Arrival.OPENED_ROUND);
        assertThat(server.offer(new Update("b", 0, 30, new float[] {0, 4}), 7)).isEqualTo(ShardServer.Arrival.ROUND_FULL);
        ClosedRound round = server.close();
        assertThat(round.applied()).isTrue();
        assertThat(round.updates()).isEqualTo(2);
        assertThat(round.samples()).isEqualTo(40);
        assertThat(server.params()).containsExactly(0.25f, 3f);
        assertThat(server.version()).isEqualTo(1);
        assertThat(server.sourceCount()).isEqualTo(2);
        assertThat(server.prequentialLoss()).isEqualTo(0.5);
        assertThat(server.newestUpdateTime()).isEqualTo(7);
        assertThat(server.collecting()).isFalse();
    }

    @Test
    void anUpdateStalerThanAllowed_isDropped_andARoundOfNone_isSkipped() {
        // the median drops an update that is not finite (FedAvg would take it)
        ShardServer<Update> server = server(Strategies.median(), 1, 1, Optional.empty());
        server.offer(new Update("a", 0, 1, new float[] {1, 1}), Long.MIN_VALUE);
        server.close();
        server.offer(new Update("a", 1, 1, new float[] {1, 1}), Long.MIN_VALUE);
        server.close();
        assertThat(server.version()).isEqualTo(2);
        // based on version 0, two versions behind
        assertThat(server.offer(new Update("b", 0, 1, new float[] {5, 5}), Long.MIN_VALUE))
                .isEqualTo(ShardServer.Arrival.TOO_STALE);
        assertThat(server.updatesTooStale()).isEqualTo(1);
        server.offer(new Update("c", 2, 1, new float[] {Float.NaN, 0}), Long.MIN_VALUE);
        assertThat(server.close().applied()).isFalse();
        assertThat(server.roundsSkipped()).isEqualTo(1);
        assertThat(server.updatesRejected()).isEqualTo(1);
        assertThat(server.params()).containsExactly(2f, 2f);
    }

    /** With a DP strategy a source's updates of one round count as one, and each applied round spends privacy. */
    @Test
    void privacy_mergesASourcesUpdates_andIsSpentPerAppliedRound() {
        ShardServer<Update> server = server(3, 0, Optional.of(PrivacyLedger.fresh(new DpAccounting(1.0, 1e-5))));
        assertThat(server.epsilon()).isEqualTo(0.0);
        server.offer(new Update("a", 0, 10, new float[] {1, 0}), Long.MIN_VALUE);
        server.offer(new Update("a", 0, 10, new float[] {1, 0}), Long.MIN_VALUE);
        server.offer(new Update("b", 0, 20, new float[] {0, 1}), Long.MIN_VALUE);
        ClosedRound round = server.close();
        assertThat(round.updates()).isEqualTo(2);
        // a: (2, 0) from 20 examples, b: (0, 1) from 20
        assertThat(server.params()).containsExactly(1f, 0.5f);
        assertThat(server.epsilon()).isPositive();
        assertThat(server.privacyDelta()).isEqualTo(1e-5);
    }
}
