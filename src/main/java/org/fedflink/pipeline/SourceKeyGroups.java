package org.fedflink.pipeline;

import java.util.function.IntFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * The key group of each of a fixed set of numbered sources, computed once from their names as
 * Flink's {@code keyBy} would place them, so that a sequence can tell for every position whose key
 * group it is without making the source's name.
 */
final class SourceKeyGroups {

    private final int sources;
    private final IntFunction<String> names;
    private int maxParallelism;
    private int[] groups;

    SourceKeyGroups(int sources, IntFunction<String> names) {
        this.sources = sources;
        this.names = names;
    }

    /** The key group, of {@code maxParallelism}, of source {@code source}. */
    int of(int source, int maxParallelism) {
        if (groups == null || this.maxParallelism != maxParallelism) {
            int[] table = new int[sources];
            for (int s = 0; s < sources; s++) {
                table[s] = KeyGroupRangeAssignment.assignToKeyGroup(names.apply(s), maxParallelism);
            }
            groups = table;
            this.maxParallelism = maxParallelism;
        }
        return groups[source];
    }
}
