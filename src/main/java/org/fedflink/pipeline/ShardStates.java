package org.fedflink.pipeline;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;
import org.fedflink.data.DistinctCount;
import org.fedflink.drift.DriftSettings;
import org.fedflink.drift.FederationDrift;
import org.fedflink.drift.SourceBaselines;
import org.fedflink.eval.SlidingWindow;
import org.fedflink.federation.PrivacyLedger;
import org.fedflink.federation.Reputation;
import org.fedflink.federation.RoundPolicy;
import org.fedflink.federation.ShardServer;
import org.fedflink.federation.ShardServerState;
import org.fedflink.federation.ShortRounds;

/**
 * Between a shard's checkpointed form ({@link ShardState}, a Flink POJO whose fields savepoints
 * hold by name) and its live server ({@link ShardServer} and the collaborators it is built from).
 */
final class ShardStates {
    private ShardStates() {}

    /** The server of {@code shard}, as the settings make it and the state restores it. */
    static ShardServer<LocalUpdate> server(AggregatorSettings settings, ShardState shard) {
        Optional<PrivacyLedger> privacy = settings.dpAccounting().map(dp -> shard.privacy == null
                ? PrivacyLedger.fresh(dp)
                : PrivacyLedger.restored(dp, shard.privacy));
        Optional<Reputation> reputation = Optional.empty();
        OptionalDouble reputationDecay = settings.reputationDecay();
        if (reputationDecay.isPresent()) {
            double decay = reputationDecay.getAsDouble();
            reputation = Optional.of(shard.reputationSources == null
                    ? new Reputation(decay)
                    : Reputation.fromState(decay,
                            new Reputation.State(shard.reputationSources, shard.reputationScores)));
        }
        // only shard 0's pieces carry the examples' outcomes
        FederationDrift drift = FederationDrift.of(shard.shard == 0 ? settings.drift() : DriftSettings.none(),
                settings.model().isClassifier(), shard.globalDrifts, shard.driftSmallRoundsLeft, shard.driftDetector,
                new SourceBaselines.State(shard.driftBaselineSources, shard.driftBaselineMeans,
                        shard.driftBaselineExamples, shard.driftBaselineRecent));
        SlidingWindow window = shard.window == null
                ? new SlidingWindow(settings.windowExamples())
                : SlidingWindow.fromState(shard.window);
        RoundPolicy rounds = new RoundPolicy(settings.updatesPerRound(), settings.strategy().minUpdates(),
                settings.minSources(), settings.countStaleness(), shard.recentSources, new ShortRounds.State(
                        shard.shortRoundUpdates, shard.shortRoundSources, shard.shortRoundUsualSamples));
        ShardServerState<LocalUpdate> state = new ShardServerState<>(shard.params, shard.serverState, shard.version,
                shard.rounds, shard.samplesInModel, shard.prequentialLossSum, shard.prequentialCorrect,
                Arrays.asList(shard.pending), new DistinctCount.State(shard.sources, shard.sourceSketch),
                shard.roundsSkipped, shard.updatesRejected, shard.updatesTooStale, shard.newestUpdateTime);
        return new ShardServer<>(shard.shard, settings.layout().shards(), settings.strategy(), rounds, drift,
                reputation, privacy, settings.maxStaleness(), window, state);
    }

    /** Writes the server's state, and its collaborators', into {@code shard}. */
    static void store(ShardServer<LocalUpdate> server, ShardState shard) {
        ShardServerState<LocalUpdate> state = server.state();
        shard.params = state.params();
        shard.serverState = state.serverState();
        shard.version = state.version();
        shard.rounds = state.rounds();
        shard.samplesInModel = state.samplesInModel();
        shard.prequentialLossSum = state.prequentialLossSum();
        shard.prequentialCorrect = state.prequentialCorrect();
        shard.pending = state.pending().toArray(new LocalUpdate[0]);
        shard.sources = state.sources().names();
        shard.sourceSketch = state.sources().sketch();
        shard.roundsSkipped = state.roundsSkipped();
        shard.updatesRejected = state.updatesRejected();
        shard.updatesTooStale = state.updatesTooStale();
        shard.newestUpdateTime = state.newestUpdateTime();
        RoundPolicy rounds = server.roundPolicy();
        shard.recentSources = rounds.recentSources();
        ShortRounds.State shortRounds = rounds.shortRoundsState();
        shard.shortRoundUpdates = shortRounds.roundUpdates();
        shard.shortRoundSources = shortRounds.sources();
        shard.shortRoundUsualSamples = shortRounds.usualSamples();
        shard.window = server.window().toState();
        FederationDrift drift = server.drift();
        shard.globalDrifts = drift.drifts();
        shard.driftSmallRoundsLeft = drift.smallRoundsLeft();
        shard.driftDetector = drift.detectorState();
        SourceBaselines.State baselines = drift.baselines();
        shard.driftBaselineSources = baselines == null ? null : baselines.sources();
        shard.driftBaselineMeans = baselines == null ? null : baselines.means();
        shard.driftBaselineExamples = baselines == null ? null : baselines.examples();
        shard.driftBaselineRecent = baselines == null ? null : baselines.recent();
        server.privacy().ifPresent(p -> shard.privacy = p.toState());
        if (server.reputation().isPresent()) {
            Reputation.State r = server.reputation().get().toState();
            shard.reputationSources = r.sources();
            shard.reputationScores = r.scores();
        }
    }
}
