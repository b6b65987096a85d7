package org.fedflink.federation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.eval.OutcomeLog;

/** Client-level privacy's view of a round: one update per source ({@link ShardServer} with a DP strategy). */
public final class SourceMerge {
    private SourceMerge() {}

    /**
     * The round's updates with those of one source summed into one (in order of each source's
     * first update; the oldest base version, samples and prequential sums added up), so that a
     * DP strategy clips each source's whole contribution to the round.
     */
    public static List<ClientUpdate> mergedBySource(List<? extends ClientUpdate> updates, int length) {
        Map<String, ClientUpdate> bySource = new LinkedHashMap<>();
        for (ClientUpdate u : updates) {
            bySource.merge(u.source(), u, (a, b) -> {
                float[] delta = a.sparse() ? a.denseDelta(length) : a.delta().clone();
                float[] more = b.denseDelta(length);
                for (int i = 0; i < delta.length; i++) {
                    delta[i] += more[i];
                }
                OutcomeLog outcomes = null;
                if (a.exampleLosses() != null && b.exampleLosses() != null) {
                    outcomes = a.outcomes();
                    outcomes.addAll(b.outcomes());
                }
                return new MergedUpdate(a.source(), Math.min(a.baseVersion(), b.baseVersion()),
                        a.samples() + b.samples(), a.lossSum() + b.lossSum(), a.correct() + b.correct(), delta,
                        outcomes == null ? null : outcomes.losses(), outcomes == null ? null : outcomes.correctBits());
            });
        }
        return new ArrayList<>(bySource.values());
    }

    /** A source's updates of one round summed into one (dense, without a control variate). */
    private record MergedUpdate(String source, long baseVersion, long samples, double lossSum, long correct,
            float[] delta, float[] exampleLosses, long[] exampleCorrect) implements ClientUpdate {
        @Override
        public int[] deltaIndices() {
            return null;
        }

        @Override
        public float[] controlDelta() {
            return null;
        }
    }
}
