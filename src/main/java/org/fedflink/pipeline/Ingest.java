package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.fedflink.data.DistinctCount;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.InvalidRecordException;
import org.fedflink.data.JsonLineParser;
import org.fedflink.model.ModelSpec;

/**
 * Parses and validates raw records. Valid examples go downstream; every invalid record goes to the
 * {@link #DEAD_LETTERS} side output with the reason and its raw text, and is counted. Nothing is
 * dropped and nothing stops the job.
 *
 * <p>Counters (records read, invalid, distinct sources) are checkpointed, so they are exact after a
 * failure; at the end of a bounded input each subtask writes them to
 * {@code counts/ingest-N.json} in the run folder, where the run summary reads them. Besides Flink's
 * counters {@code recordsRead} and {@code recordsInvalid}, which start again at 0 with every attempt
 * of the job, the gauges {@code recordsReadTotal} and {@code recordsInvalidTotal} carry these
 * checkpointed counts: the records since the job began, what a restored attempt had read included.
 */
public final class Ingest extends AbstractStreamOperator<Example>
        implements OneInputStreamOperator<RawRecord, Example>, BoundedOneInput {

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final ModelSpec spec;
    private final String countsDir;

    private transient JsonLineParser parser;
    private transient ExampleValidator validator;
    private transient ListState<long[]> countState;
    private transient ListState<String> sourceState;
    private transient ListState<byte[]> sourceSketchState;
    private transient long read;
    private transient long invalid;
    private transient DistinctCount sources;
    private transient Counter readCounter;
    private transient Counter invalidCounter;

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
        countState = context.getOperatorStateStore().getListState(StateDescriptors.ingestCounts());
        sourceState = context.getOperatorStateStore()
                .getListState(StateDescriptors.ingestSources());
        sourceSketchState = context.getOperatorStateStore().getListState(StateDescriptors.ingestSourceSketch());
        // One {read, invalid} entry per subtask that wrote it: after rescaling, sums stay exact.
        for (long[] counts : countState.get()) {
            read += counts[0];
            invalid += counts[1];
        }
        sources = new DistinctCount();
        sourceState.get().forEach(sources::add);
        for (byte[] sketch : sourceSketchState.get()) {
            sources.addAll(DistinctCount.of(new DistinctCount.State(null, sketch)));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        parser = new JsonLineParser();
        validator = new ExampleValidator(spec);
        // a second reading of the input (countsDir null) reports no counts, so nothing is counted twice
        boolean primary = countsDir != null;
        readCounter = primary ? getMetricGroup().counter("recordsRead") : new SimpleCounter();
        invalidCounter = primary ? getMetricGroup().counter("recordsInvalid") : new SimpleCounter();
        if (primary) {
            getMetricGroup().gauge("recordsReadTotal", () -> read);
            getMetricGroup().gauge("recordsInvalidTotal", () -> invalid);
        }
    }

    @Override
    public void processElement(StreamRecord<RawRecord> record) {
        RawRecord raw = record.getValue();
        read++;
        readCounter.inc();
        Example example = raw.example();
        String reason;
        if (raw.reason() != null) {
            reason = raw.reason();
        } else if (example == null) {
            try {
                example = parser.parse(raw.text());
                reason = validator.check(example);
            } catch (InvalidRecordException e) {
                reason = e.getMessage();
            }
        } else {
            reason = validator.check(example);
        }
        if (reason != null) {
            invalid++;
            invalidCounter.inc();
            String text = raw.text() != null ? raw.text() : String.valueOf(raw.example());
            output.collect(DEAD_LETTERS, new StreamRecord<>(new DeadLetter(raw.origin(), raw.position(), reason, text)));
            return;
        }
        sources.add(example.source());
        // keeps the source's timestamp (a Kafka input assigns event time and watermarks in the source)
        output.collect(record.replace(example));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        countState.update(List.of(new long[] {read, invalid}));
        DistinctCount.State state = sources.toState();
        sourceState.update(List.of(state.names()));
        sourceSketchState.update(state.sketch() == null ? List.of() : List.of(state.sketch()));
    }

    @Override
    public void endInput() throws Exception {
        if (countsDir == null) {
            return;
        }
        Path dir = Path.of(countsDir);
        Files.createDirectories(dir);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("read", read);
        counts.put("invalid", invalid);
        DistinctCount.State state = sources.toState();
        counts.put("sources", state.names());
        if (state.sketch() != null) {
            // base64 in JSON; RunSummary merges the subtasks' sketches
            counts.put("sourceSketch", state.sketch());
        }
        int index = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        new ObjectMapper().writeValue(dir.resolve("ingest-" + index + ".json").toFile(), counts);
    }
}
