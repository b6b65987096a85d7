package org.fedflink.federation;

import java.util.List;
import org.fedflink.data.DistinctCount;

/**
 * The server's model and totals: what a checkpoint holds (beside its collaborators' own states).
 *
 * @param pending the updates of the round being collected
 * @param sources the count of the sources the model has heard from
 * @param newestUpdateTime the latest event time of an update, or {@link Long#MIN_VALUE}
 */
public record ShardServerState<U>(float[] params, float[] serverState, long version, long rounds, long samplesInModel,
        double prequentialLossSum, long prequentialCorrect, List<U> pending, DistinctCount.State sources,
        long roundsSkipped, long updatesRejected, long updatesTooStale, long newestUpdateTime) {}
