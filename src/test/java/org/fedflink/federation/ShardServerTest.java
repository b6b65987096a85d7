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

    private record Update(String source, long baseVersion, long samples, float[] delta) implements ClientUpdate {
        @Override
        public double lossSum() {
            return 0.5 * samples;
        }

        @Override
        public long correct() {
            return samples / 2;
        }

        @Override
        public int[] deltaIndices() {
            return null;
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
        return new ShardServer<>(0, 1, strategy, new RoundPolicy(updatesPerRound, 1, 1, null, null),
                FederationDrift.of(DriftSettings.none(), true, 0, 0, null, null), Optional.empty(), privacy,
                maxStaleness, new SlidingWindow(100), new ShardServerState<>(new float[2], new float[0], 0, 0, 0, 0,
                        0, List.of(), new DistinctCount.State(new String[0], null), 0, 0, 0, Long.MIN_VALUE));
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
