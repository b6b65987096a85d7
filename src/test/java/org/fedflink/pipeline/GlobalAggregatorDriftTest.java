package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.drift.DriftSettings;
import org.fedflink.drift.FederationDrift;
import org.fedflink.eval.OutcomeLog;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.Strategies;
import org.junit.jupiter.api.Test;

/**
 * Concept drift in {@link GlobalAggregator}: the outcomes of the folded updates jump in error, the
 * server detects it once, resets its optimizer, closes small rounds, and the versions from then on
 * carry the count; also through a snapshot and restore.
 */
class GlobalAggregatorDriftTest {

    private static final org.fedflink.model.ModelSpec SPEC =
            new org.fedflink.model.ModelSpec(org.fedflink.model.ModelType.LINEAR, 1, 2, 0.0);
    /** Examples per update. */
    private static final int SAMPLES = 25;
    /** The error rate jumps from 0.1 to 0.7 after this many examples. */
    private static final int CHANGE = 4000;
    private static final int UPDATES = 240;

    private final String loopId = UUID.randomUUID().toString();

    private OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel> harness(AggregationStrategy strategy,
            DriftSettings drift) throws Exception {
        AggregatorSettings settings = AggregatorSettings.builder(strategy, SPEC, loopId)
                .updatesPerRound(4)
                .windowExamples(1000)
                .drift(drift)
                .build();
        return new OneInputStreamOperatorTestHarness<>(new GlobalAggregator(settings));
    }

    private static DriftSettings adwin() {
        return new DriftSettings(DriftSettings.adwin(0.002), true, true);
    }

    /**
     * Updates of 25 examples from four sources in turn, each moving both parameters by 1; each
     * example's 0/1 outcome is wrong with probability 0.1 up to example {@link #CHANGE}, 0.7 after.
     */
    private static List<LocalUpdate> updates() {
        Random random = new Random(8);
        List<LocalUpdate> updates = new ArrayList<>();
        for (int u = 0; u < UPDATES; u++) {
            OutcomeLog log = new OutcomeLog();
            double lossSum = 0;
            long correct = 0;
            for (int i = 0; i < SAMPLES; i++) {
                boolean right = random.nextDouble() >= (u * SAMPLES + i < CHANGE ? 0.1 : 0.7);
                log.add(right ? 0.2f : 1.5f, right);
                lossSum += right ? 0.2 : 1.5;
                correct += right ? 1 : 0;
            }
            updates.add(new LocalUpdate(0, "s" + (u % 4), 0, SAMPLES, lossSum, correct, new float[] {1, 1}, false, 0)
                    .withOutcomes(log));
        }
        return updates;
    }

    /** Update u's record time: the index of its last example. */
    private static long time(int u) {
        return (long) (u + 1) * SAMPLES - 1;
    }

    private static List<DriftEvent> drifts(OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel> h) {
        var out = h.getSideOutput(DriftEvent.OUTPUT);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void processElement_jumpInTheFoldedErrors_oneDetection_serverStateReset_smallRounds_countPublished()
            throws Exception {
        try (var h = harness(Strategies.fedAvgM(1.0, 0.9), adwin())) {
            h.open();
            List<LocalUpdate> updates = updates();
            for (int u = 0; u < updates.size(); u++) {
                h.processElement(updates.get(u), time(u));
            }
            List<GlobalModel> versions = h.extractOutputValues();
            List<DriftEvent> drifts = drifts(h);
            System.out.printf("GlobalAggregatorDriftTest: %s (the error jumps after example %d)%n", drifts, CHANGE);

            assertThat(drifts).hasSize(1);
            DriftEvent drift = drifts.get(0);
            assertThat(drift.source()).isEqualTo(DriftSettings.GLOBAL);
            assertThat(drift.detector()).isEqualTo("adwin");
            assertThat(drift.statistic()).isPositive();
            // the newest update's time when the round closed: after the change, within 300 examples
            assertThat(drift.time()).isGreaterThan(CHANGE).isLessThan(CHANGE + 300);

            int at = (int) drift.version() - 1; // versions start at 1
            GlobalModel detected = versions.get(at);
            assertThat(detected.version()).isEqualTo(drift.version());
            assertThat(versions.subList(0, at)).allSatisfy(v -> assertThat(v.globalDrifts()).isZero());
            assertThat(versions.subList(at, versions.size())).allSatisfy(v -> assertThat(v.globalDrifts()).isEqualTo(1));
            // every update moves the parameters by 1: with momentum 0.9 a round's step grows towards
            // 10; the round of the detection starts from no momentum, a step of exactly 1
            float before = versions.get(at - 1).params()[0] - versions.get(at - 2).params()[0];
            assertThat(before).isGreaterThan(5f);
            assertThat(detected.params()[0] - versions.get(at - 1).params()[0]).isEqualTo(1f);
            assertThat(versions.get(at + 1).params()[0] - detected.params()[0]).isCloseTo(1.9f,
                    org.assertj.core.data.Offset.offset(1e-4f));
            // the rounds after it close at a quarter of 4 updates, then at 4 again
            assertThat(detected.roundUpdates()).isEqualTo(4);
            assertThat(versions.subList(at + 1, at + 1 + FederationDrift.SMALL_ROUNDS))
                    .allSatisfy(v -> assertThat(v.roundUpdates()).isEqualTo(1));
            assertThat(versions.get(at + 1 + FederationDrift.SMALL_ROUNDS).roundUpdates()).isEqualTo(4);
            // what the published versions go on to say, into the loop too
            assertThat(FeedbackChannel.of(loopId, 0).poll().globalDrifts()).isEqualTo(1);
        }
    }

    @Test
    void processElement_stationaryErrors_noDetection_rounds_keepTheirSize() throws Exception {
        try (var h = harness(Strategies.fedAvgM(1.0, 0.9), adwin())) {
            h.open();
            List<LocalUpdate> updates = updates().subList(0, CHANGE / SAMPLES);
            for (int u = 0; u < updates.size(); u++) {
                h.processElement(updates.get(u), time(u));
            }
            assertThat(drifts(h)).isEmpty();
            assertThat(h.extractOutputValues()).allSatisfy(v -> {
                assertThat(v.globalDrifts()).isZero();
                assertThat(v.roundUpdates()).isEqualTo(4);
            });
        }
    }

    @Test
    void processElement_withoutDriftSettings_detectsNothing() throws Exception {
        try (var h = harness(Strategies.fedAvgM(1.0, 0.9), DriftSettings.none())) {
            h.open();
            for (LocalUpdate u : updates()) {
                h.processElement(u, 0);
            }
            assertThat(drifts(h)).isEmpty();
            assertThat(h.extractOutputValues()).allSatisfy(v -> assertThat(v.globalDrifts()).isZero());
        }
    }

    @Test
    void snapshot_restored_detectsAsTheUninterruptedServer_andKeepsTheCount() throws Exception {
        List<LocalUpdate> updates = updates();
        int cut = CHANGE / SAMPLES - 2; // just before the change
        OperatorSubtaskState beforeChange = null;
        List<DriftEvent> uninterrupted;
        List<GlobalModel> uninterruptedVersions;
        try (var h = harness(Strategies.fedAvg(1.0), adwin())) {
            h.open();
            for (int u = 0; u < updates.size(); u++) {
                if (u == cut) {
                    beforeChange = h.snapshot(1, 1);
                }
                h.processElement(updates.get(u), time(u));
            }
            uninterrupted = drifts(h);
            uninterruptedVersions = h.extractOutputValues();
        }
        OperatorSubtaskState afterChange;
        try (var h = harness(Strategies.fedAvg(1.0), adwin())) {
            h.initializeState(beforeChange);
            h.open();
            for (int u = cut; u < updates.size() - 4; u++) {
                h.processElement(updates.get(u), time(u));
            }
            assertThat(drifts(h)).isEqualTo(uninterrupted).hasSize(1);
            afterChange = h.snapshot(2, 2);
        }
        try (var h = harness(Strategies.fedAvg(1.0), adwin())) {
            h.initializeState(afterChange);
            h.open();
            // the restored version goes back into the loop with its count
            assertThat(FeedbackChannel.of(loopId, 0).poll().globalDrifts()).isEqualTo(1);
            for (int u = updates.size() - 4; u < updates.size(); u++) {
                h.processElement(updates.get(u), time(u));
            }
            GlobalModel last = h.extractOutputValues().get(0);
            assertThat(last.globalDrifts()).isEqualTo(1);
            assertThat(last.version()).isEqualTo(uninterruptedVersions.get(uninterruptedVersions.size() - 1).version());
            assertThat(drifts(h)).isEmpty();
        }
    }
}
