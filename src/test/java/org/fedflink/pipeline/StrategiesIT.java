package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.federation.Attacks;
import org.fedflink.federation.RdpAccountant;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategy catalogue on whole jobs (embedded MiniCluster, quickstart generator, fixed seeds):
 * robust rules under a simulated attack, FedBuff against synchronous FedAvg, DP with its privacy
 * accounting across a failure, and server optimizer state across a failure.
 *
 * <p>The loop is not bit-deterministic: which updates make up a round depends on the order in
 * which the trainers' updates reach the aggregator, which varies from run to run. Runs with the
 * same seed therefore differ by a few tenths of a point of holdout accuracy; the comparisons below
 * use a 10,000-example holdout set so that scoring noise stays below that.
 */
class StrategiesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The cluster the runs of this class share ({@link SharedCluster}): 2 trainers. The runs that
     * kill the TaskManager start a cluster of their own.
     */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(2);

    private static MiniCluster cluster;

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    private static JsonNode run(Path out, List<String> overrides) throws Exception {
        JobSpec spec = FederatedLoopIT.quickstart(overrides.toArray(new String[0]));
        return LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(out)).json();
    }

    private static double accuracy(JsonNode summary) {
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        return summary.path("metrics").path("holdoutAccuracy").asDouble();
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /**
     * 20 % of the sources send their update multiplied by -10 (a boosted sign flip). Seed 2024
     * makes exactly 4 of the 20 sources Byzantine (the choice is per source, so other seeds give
     * 2 to 4). Every run shares the setup; only the strategy and the attack differ. The robust
     * rules are held to the clean FedAvg run, and also to their own clean run (the cost of the
     * attack alone).
     *
     * <p>Setup: the honest sources are nearly IID (Dirichlet(100) label mixes, no feature shift),
     * which is what the guarantees of Krum and of the coordinate-wise rules assume: honest updates
     * that scatter around one common direction. Sources report every 100 examples and rounds hold 20 updates, so each
     * delta averages enough examples to be close to that direction. On the quickstart's non-IID
     * sources the rules pay a price without any attack (docs/strategies.md, "Measured on the
     * quickstart": Krum follows one source's update per round and ends 2 to 4 points below FedAvg
     * there, median and trimmed mean about 1); that cost of non-IID data is measured in the docs,
     * not asserted here.
     */
    @Test
    void signFlipAttack_degradesFedAvgWhileMedianTrimmedMeanKrumAndReputationStayWithinTwoPointsOfTheCleanRun()
            throws Exception {
        List<String> setup = List.of("seed=2024", "evaluation.baseline=none", "evaluation.holdout=10000",
                "input.generator.labelSkew=100", "input.generator.featureShift=0",
                "rounds.localExamples=100", "rounds.updatesPerRound=20");
        int byzantine = 0;
        for (int s = 0; s < 20; s++) {
            byzantine += Attacks.byzantine(0.2, 2024).isByzantine("source-" + s) ? 1 : 0;
        }
        assertThat(byzantine).as("Byzantine sources of 20").isEqualTo(4);
        List<String> attack = List.of("attack.fraction=0.2", "attack.type=scale", "attack.scale=-10");
        Map<String, List<String>> robust = Map.of(
                "median", List.of("aggregation.strategy=median"),
                "trimmedmean", List.of("aggregation.strategy=trimmedmean", "aggregation.trimBeta=0.4"),
                "krum", List.of("aggregation.strategy=krum", "aggregation.byzantineUpdates=8"),
                "fedavg+reputation", List.of("aggregation.strategy=fedavg", "aggregation.reputation=true"));

        double clean = accuracy(run(tmp.resolve("clean"), setup));
        double fedAvg = accuracy(run(tmp.resolve("fedavg"), with(setup, attack.toArray(new String[0]))));
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(fedAvg).as("attacked fedavg vs clean fedavg %.4f", clean).isLessThan(clean - 0.10);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "attack: clean fedavg %.4f, attacked fedavg %.4f", clean, fedAvg));
        for (String rule : List.of("median", "trimmedmean", "krum", "fedavg+reputation")) {
            List<String> rulesSetup = new ArrayList<>(setup);
            rulesSetup.addAll(robust.get(rule));
            double own = accuracy(run(tmp.resolve(rule.replace("+", "-") + "-clean"), rulesSetup));
            rulesSetup.addAll(attack);
            double attacked = accuracy(run(tmp.resolve(rule.replace("+", "-")), rulesSetup));
            line.append(String.format(Locale.ROOT, " | %s clean %.4f, attacked %.4f", rule, own, attacked));
            soft.assertThat(attacked).as("attacked %s vs clean fedavg %.4f", rule, clean)
                    .isGreaterThanOrEqualTo(clean - 0.02);
            soft.assertThat(attacked).as("attacked %s vs clean %s %.4f", rule, rule, own)
                    .isGreaterThanOrEqualTo(own - 0.02);
        }
        System.out.println(line);
        soft.assertAll();
    }

    @Test
    void fedBuff_convergesWithinOnePointOfSynchronousFedAvg() throws Exception {
        List<String> setup = List.of("evaluation.baseline=none", "evaluation.holdout=10000");
        double fedAvg = accuracy(run(tmp.resolve("fedavg"), setup));
        Path out = tmp.resolve("fedbuff");
        double fedBuff = accuracy(run(out, with(setup, "aggregation.strategy=fedbuff")));
        System.out.printf(Locale.ROOT, "fedbuff %.4f, synchronous fedavg %.4f%n", fedBuff, fedAvg);

        assertThat(fedBuff).isCloseTo(fedAvg, within(0.01));
        // the staleness weights had something to weigh: some rounds held updates of older versions
        List<Double> staleness = column(out, "roundStaleness");
        assertThat(staleness.stream().mapToDouble(Double::doubleValue).max().orElse(0)).isPositive();
    }

    /**
     * The strategies that change the local step, on the quickstart's non-IID sources: each
     * converges to within 1.5 points of FedAvg in the same test, and folds in every valid example.
     *
     * <p>The input is paced (15,000 examples/s) so that staleness comes from the algorithm, not
     * from the machine: SCAFFOLD's control variates are estimated from 20 examples per report and
     * arrive as stale as the model, and an unpaced run on a loaded machine makes them staler.
     * Unpaced, with a busy second core, SCAFFOLD measured 0.9074 to 0.9139 against FedAvg's 0.9160
     * to 0.9174 (and 0.9015 once in CI); paced, under the same load, 0.9117 to 0.9186 against
     * 0.9170 to 0.9175, with FedProx 0.9168 to 0.9177 and FedSGD 0.9157 to 0.9159.
     */
    @Test
    void fedProxFedSgdAndScaffold_convergeCloseToFedAvg() throws Exception {
        List<String> setup = List.of("evaluation.baseline=none", "evaluation.holdout=10000",
                "input.generator.ratePerSecond=15000");
        double fedAvg = accuracy(run(tmp.resolve("fedavg"), setup));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "fedavg %.4f", fedAvg));
        SoftAssertions soft = new SoftAssertions();
        for (List<String> strategy : List.of(
                List.of("aggregation.strategy=fedprox", "aggregation.proximalMu=0.1"),
                List.of("aggregation.strategy=fedsgd"),
                List.of("aggregation.strategy=scaffold"))) {
            String name = strategy.get(0).substring(strategy.get(0).indexOf('=') + 1);
            JsonNode summary = run(tmp.resolve(name), with(setup, strategy.toArray(new String[0])));
            double accuracy = accuracy(summary);
            line.append(String.format(Locale.ROOT, " | %s %.4f", name, accuracy));
            soft.assertThat(accuracy).as(name).isCloseTo(fedAvg, within(0.015));
            soft.assertThat(summary.path("samplesInModel").asLong()).as(name + " samples")
                    .isEqualTo(summary.path("examples").asLong() - summary.path("invalid").asLong());
        }
        System.out.println(line);
        soft.assertAll();
    }

    /**
     * Client sampling (half the report opportunities taken) and a minimum of 10 sources per round:
     * fewer, fuller rounds, nothing lost (a source passed over sends its progress later), and the
     * model as good as FedAvg with everyone.
     */
    @Test
    void sampleFractionAndMinSources_closeFewerRoundsWithoutLosingExamples() throws Exception {
        List<String> setup = List.of("evaluation.baseline=none", "evaluation.holdout=10000");
        JsonNode everyone = run(tmp.resolve("everyone"), setup);
        Path out = tmp.resolve("sampled");
        JsonNode sampled = run(out, with(setup, "rounds.sampleFraction=0.5", "rounds.minSources=10"));
        System.out.printf(Locale.ROOT, "sampleFraction 0.5, minSources 10: %d rounds, accuracy %.4f;"
                + " everyone: %d rounds, accuracy %.4f%n", sampled.path("rounds").asLong(), accuracy(sampled),
                everyone.path("rounds").asLong(), accuracy(everyone));

        long valid = sampled.path("examples").asLong() - sampled.path("invalid").asLong();
        assertThat(sampled.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(sampled.path("rounds").asLong()).isLessThan(everyone.path("rounds").asLong() * 3 / 4);
        // every round but the final one at the end of the input had 10 sources or more
        List<Double> roundSources = column(out, "roundSources");
        assertThat(roundSources.subList(0, roundSources.size() - 1)).allMatch(n -> n >= 10);
        assertThat(accuracy(sampled)).isCloseTo(accuracy(everyone), within(0.01));
    }

    /**
     * Local DP: every update clipped to 1 and noised (z = 0.1) in its trainer. The model still
     * learns, below the noiseless run by what the noise costs.
     */
    @Test
    void localDp_noisedUpdatesStillLearn() throws Exception {
        List<String> setup = List.of("evaluation.baseline=none", "evaluation.holdout=10000");
        double clean = accuracy(run(tmp.resolve("clean"), setup));
        double noised = accuracy(run(tmp.resolve("ldp"), with(setup, "localDp.clippingNorm=1",
                "localDp.noiseMultiplier=0.1")));
        System.out.printf(Locale.ROOT, "localDp C=1 z=0.1: accuracy %.4f, without %.4f%n", noised, clean);
        assertThat(noised).isGreaterThan(0.85).isLessThanOrEqualTo(clean + 0.005);
    }

    @Test
    void maxStaleness_dropsAndCountsStaleUpdates() throws Exception {
        Path out = tmp.resolve("stale");
        JsonNode summary = run(out, List.of("evaluation.baseline=none", "input.generator.examples=40000",
                "rounds.maxStaleness=1"));
        long dropped = summary.path("updatesTooStale").asLong();
        System.out.printf(Locale.ROOT, "maxStaleness 1: %d updates dropped, accuracy %.4f%n", dropped,
                accuracy(summary));
        assertThat(dropped).isPositive();
        // what was dropped is not in the model
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("samplesInModel").asLong()).isLessThan(valid);
        // a running total per version; the final version's row has the total at the end
        assertThat(column(out, "updatesTooStale")).isSorted().last().isEqualTo((double) dropped);
    }

    /**
     * DP-FedAvg with fixed clipping, and a TaskManager killed after a checkpoint: the accountant
     * is restored with the model, so the final epsilon is that of exactly as many Gaussian
     * mechanisms (q = 1, z = 1) as the model has rounds, not of the rounds since the restart.
     */
    @Test
    void dpFixed_reportsEpsilonInEveryVersionAndTheAccountantSurvivesAFailure() throws Exception {
        double z = 1.0;
        JobSpec spec = FederatedLoopIT.quickstart("input.generator.examples=40000",
                "input.generator.ratePerSecond=8000", "evaluation.baseline=none", "checkpoint.intervalMillis=300",
                "aggregation.strategy=dpfixed", "aggregation.clippingNorm=0.3", "aggregation.noiseMultiplier=" + z);
        Path out = tmp.resolve("dp");
        JsonNode summary = runWithFailure(spec, out);
        double epsilon = summary.path("epsilon").asDouble();
        long rounds = summary.path("rounds").asLong();
        System.out.printf(Locale.ROOT, "dpfixed C=0.3 z=%.1f: epsilon %.2f at delta %s after %d rounds,"
                + " accuracy %.4f%n", z, epsilon, summary.path("dpDelta").asText(), rounds, accuracy(summary));

        RdpAccountant expected = new RdpAccountant();
        expected.compose(1.0, z, rounds);
        assertThat(summary.path("dpDelta").asDouble()).isEqualTo(1e-5);
        assertThat(epsilon).isCloseTo(expected.epsilon(1e-5).epsilon(), within(1e-9));
        // every version carries the epsilon spent up to it
        List<Double> perVersion = column(out, "epsilon");
        assertThat(perVersion).isNotEmpty().isSorted();
        JsonNode latest = JSON.readTree(out.resolve(RunFolder.MODELS).resolve("latest.json").toFile());
        assertThat(latest.path("metrics").path("epsilon").asDouble()).isEqualTo(epsilon);
        assertThat(accuracy(summary)).isGreaterThan(0.5);
    }

    /**
     * FedAdam (moments and bias-correction round count in the server state) with a TaskManager
     * killed after a checkpoint, against the same job without a failure.
     *
     * <p>Tolerance: two failure-free runs with the same seed already differ (round composition
     * follows arrival order), so the failover run is held to the same spread: its final model must
     * be as close to a failure-free run as a second failure-free run is, within a factor of 3,
     * and its holdout accuracy within one point.
     */
    @Test
    void fedAdam_serverStateRestoredAfterAFailure_givesTheFailureFreeModelWithinTheRunToRunSpread()
            throws Exception {
        List<String> overrides = List.of("input.generator.examples=40000", "input.generator.ratePerSecond=8000",
                "evaluation.baseline=none", "evaluation.holdout=10000", "checkpoint.intervalMillis=300",
                "aggregation.strategy=fedadam");
        JobSpec spec = FederatedLoopIT.quickstart(overrides.toArray(new String[0]));
        Path first = tmp.resolve("free-1");
        Path second = tmp.resolve("free-2");
        Path third = tmp.resolve("free-3");
        Path failed = tmp.resolve("failover");
        double a1 = accuracy(LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(first)).json());
        LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(second));
        LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(third));
        JsonNode failover = runWithFailure(spec, failed);
        double af = accuracy(failover);
        float[] p1 = finalParams(first);
        // the spread is the larger of two failure-free runs' distances to the same first run: one such distance
        // alone ranged 0.02-0.07 between runs (rounds form by timing), too noisy to scale a bound by; a server
        // state lost on restore puts the failover run ~0.28 away
        double second2first = relativeDistance(finalParams(second), p1);
        double third2first = relativeDistance(finalParams(third), p1);
        double spread = Math.max(second2first, third2first);
        double distance = relativeDistance(finalParams(failed), p1);
        System.out.printf(Locale.ROOT, "fedadam: failure-free %.4f, with a failure %.4f; relative L2 distance to the"
                + " first run: second %.4f, third %.4f, failover %.4f%n", a1, af, second2first, third2first,
                distance);

        long valid = failover.path("examples").asLong() - failover.path("invalid").asLong();
        assertThat(failover.path("samplesInModel").asLong()).isEqualTo(valid);
        assertThat(af).isCloseTo(a1, within(0.01));
        assertThat(distance).isLessThanOrEqualTo(3 * Math.max(spread, 0.01));
    }

    /** Runs {@code spec}, killing the only TaskManager once a checkpoint completed, and restarting it. */
    private static JsonNode runWithFailure(JobSpec spec, Path out) throws Exception {
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(out)
                .withOverrides(Map.of("restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "3",
                        "restart-strategy.fixed-delay.delay", "500 ms")))) {
            FederatedLoopIT.awaitVersion(out, 3);
            FederatedLoopIT.awaitCompletedCheckpoint(out);
            Thread.sleep(500); // let more versions pass the checkpoint, to be replayed
            runner.cluster().terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            runner.cluster().startTaskManager();
            return runner.awaitSummary().json();
        }
    }

    private static float[] finalParams(Path out) throws Exception {
        JsonNode latest = JSON.readTree(out.resolve(RunFolder.MODELS).resolve("latest.json").toFile());
        byte[] bytes = Files.readAllBytes(out.resolve(RunFolder.MODELS).resolve(latest.path("params").asText()));
        float[] params = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(params);
        return params;
    }

    private static double relativeDistance(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += b[i] * (double) b[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** A numeric column of metrics.csv, empty cells left out. */
    private static List<Double> column(Path out, String name) throws Exception {
        List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
        int index = List.of(lines.get(0).split(",")).indexOf(name);
        assertThat(index).as("metrics.csv column " + name).isNotNegative();
        List<Double> values = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String cell = line.split(",", -1)[index];
            if (!cell.isEmpty()) {
                values.add(Double.parseDouble(cell));
            }
        }
        return values;
    }
}
