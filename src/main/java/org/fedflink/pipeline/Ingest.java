package org.fedflink.pipeline;

import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.fedflink.data.Example;
import org.fedflink.model.ModelSpec;

/**
 * Parses and validates raw records ({@link IngestLedger}). Valid examples go downstream; every
 * invalid record goes to the {@link #DEAD_LETTERS} side output with the reason and its raw text,
 * and is counted. Nothing is dropped and nothing stops the job.
 *
 * <p>Counters (records read, invalid, distinct sources) are checkpointed, so they are exact after a
 * failure; at the end of a bounded input each subtask writes them to
 * {@code counts/ingest-N.json} in the run folder, where the run summary reads them.
 */
public final class Ingest extends AbstractStreamOperator<Example>
        implements OneInputStreamOperator<RawRecord, Example>, BoundedOneInput {

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final ModelSpec spec;
    private final String countsDir;

    private transient IngestLedger ledger;
    private transient Consumer<DeadLetter> deadLetters;

    /**
     * @param countsDir where the counts go at the end of the input; null for a second reading of an
     *     input (the centralized learner's, in order), which neither writes counts nor reports the
     *     {@code recordsRead} and {@code recordsInvalid} metrics, so nothing is counted twice
     */
    public Ingest(ModelSpec spec, String countsDir) {
        this.spec = spec;
        this.countsDir = countsDir;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        ledger = new IngestLedger(spec, countsDir);
        ledger.initializeState(context.getOperatorStateStore());
    }

    @Override
    public void open() throws Exception {
        super.open();
        ledger.open(getMetricGroup());
        deadLetters = deadLetter -> output.collect(DEAD_LETTERS, new StreamRecord<>(deadLetter));
    }

    @Override
    public void processElement(StreamRecord<RawRecord> record) {
        Example example = ledger.accept(record.getValue(), deadLetters);
        if (example != null) {
            // keeps the source's timestamp (a Kafka input assigns event time and watermarks in the source)
            output.collect(record.replace(example));
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        ledger.snapshotState();
    }

    @Override
    public void endInput() throws Exception {
        ledger.writeCounts(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }
}
