package org.fedflink.pipeline;

import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.fedflink.eval.LocalBaseline;
import org.fedflink.federation.SourceModel;

/**
 * Every state the job writes, defined once, so the job and the savepoint tools read the same
 * names and types. Changing a name or type here breaks restoring older savepoints.
 */
public final class StateDescriptors {
    private StateDescriptors() {}

    /** Trainer keyed state: one {@link SourceModel} per data source, in bulk ({@link SourceStateSerializer}). */
    public static ValueStateDescriptor<SourceModel> sourceState() {
        return new ValueStateDescriptor<>("source-state-bulk",
                new RecordTypeInfo<>(SourceModel.class, SourceStateSerializer::new));
    }

    /**
     * The trainer's keyed state as earlier versions wrote it (Flink's POJO serializer, under the
     * old name): read from savepoints taken by those versions and moved to {@link #sourceState()}
     * source by source as the trainer touches them.
     */
    public static ValueStateDescriptor<SourceState> legacySourceState() {
        return new ValueStateDescriptor<>("source-state", TypeInformation.of(SourceState.class));
    }

    /** Aggregator union state: one {@link ShardState} per shard (each subtask picks its own). */
    public static ListStateDescriptor<ShardState> shardState() {
        return new ListStateDescriptor<>("shard-state", TypeInformation.of(ShardState.class));
    }

    /**
     * Trainer union state: the newest global model of each shard a trainer subtask holds, so that
     * a restored trainer has the model its sources' sparse offsets are relative to before the
     * aggregators re-publish theirs (each subtask takes the newest version of each shard).
     */
    public static ListStateDescriptor<GlobalModel> trainerGlobals() {
        return new ListStateDescriptor<>("trainer-global-models", RecordTypeInfo.globalModels());
    }

    /**
     * A trainer reading its own input: the next position of each key group it reads, {@code
     * {keyGroup, position}} (union, so that a rescaled subtask finds the key groups it is given).
     */
    public static ListStateDescriptor<long[]> trainerInputPositions() {
        return new ListStateDescriptor<>("trainer-input-positions",
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /** Counters of an ingest subtask: {records read, invalid}. */
    public static ListStateDescriptor<long[]> ingestCounts() {
        return new ListStateDescriptor<>("ingest-counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /** Length of an appended output file at the last checkpoint (to truncate replays). */
    public static ListStateDescriptor<Long> fileOffset(String name) {
        return new ListStateDescriptor<>("file-offset-" + name, Types.LONG);
    }

    /** Parts an output file had rolled over to at the last checkpoint (see {@code RollingAppender}). */
    public static ListStateDescriptor<Long> fileRolled(String name) {
        return new ListStateDescriptor<>("file-rolled-" + name, Types.LONG);
    }

    /**
     * Sources an ingest subtask has seen (for the count of distinct sources), while it counts them
     * exactly ({@link org.fedflink.data.DistinctCount}).
     */
    public static ListStateDescriptor<String> ingestSources() {
        return new ListStateDescriptor<>("ingest-sources", Types.STRING);
    }

    /** The sketch of the sources an ingest subtask has seen, once too many to list. */
    public static ListStateDescriptor<byte[]> ingestSourceSketch() {
        return new ListStateDescriptor<>("ingest-source-sketch",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /** Pieces of versions the model writer holds until every shard's piece arrived. */
    public static ListStateDescriptor<GlobalModel> partialVersions() {
        return new ListStateDescriptor<>("partial-versions", TypeInformation.of(GlobalModel.class));
    }

    /** The model writer's lineage: the jobs that made the versions it wrote. */
    public static ListStateDescriptor<String> lineage() {
        return new ListStateDescriptor<>("lineage", Types.STRING);
    }

    /** The totals of the sources the source statistics writer holds in memory. */
    public static ListStateDescriptor<SourceStats.SourceTotals> sourceTotals() {
        return new ListStateDescriptor<>("source-totals", TypeInformation.of(SourceStats.SourceTotals.class));
    }

    /** A source's totals that the source statistics writer sent to keyed state (keyed by source). */
    public static ValueStateDescriptor<SourceStats.SourceTotals> spilledSourceTotals() {
        return new ValueStateDescriptor<>("spilled-source-totals",
                TypeInformation.of(SourceStats.SourceTotals.class));
    }

    /** How many sources' totals the source statistics writer sent to keyed state. */
    public static ListStateDescriptor<Long> spilledSourceCount() {
        return new ListStateDescriptor<>("spilled-source-count", Types.LONG);
    }

    /** The local-only baseline's per-source results, until the end of the input. */
    public static ListStateDescriptor<LocalBaseline.SourceResult> localScores() {
        return new ListStateDescriptor<>("local-scores", TypeInformation.of(LocalBaseline.SourceResult.class));
    }

    /** Versions the model writer has completed. */
    public static ListStateDescriptor<Long> writtenVersion() {
        return new ListStateDescriptor<>("written-version", Types.LONG);
    }

    /** Operator uids; stable across code changes so savepoints keep restoring. */
    public static final String UID_TRAINER = "local-trainer";
    public static final String UID_AGGREGATOR = "global-aggregator";
    /** The empty first input of trainers that read their own input ({@code input.readBy}). */
    public static final String UID_NO_EXAMPLES = "no-examples";
}
