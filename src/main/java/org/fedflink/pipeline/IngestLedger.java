package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.fedflink.data.DistinctCount;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.InvalidRecordException;
import org.fedflink.data.JsonLineParser;
import org.fedflink.model.ModelSpec;

/**
 * What the ingest of one reading of the input does with each raw record, wherever it runs (the
 * {@link Ingest} operator after the readers, or a trainer that reads its own input): parse and
 * validate it, hand an invalid one on as a dead letter with its reason, and count records read,
 * records invalid and distinct sources — counts kept in operator state, so they are exact after a
 * failure, and written to {@code counts/ingest-N.json} at the end of a bounded input.
 */
final class IngestLedger {

    private final ModelSpec spec;
    private final String countsDir;

    private JsonLineParser parser;
    private ExampleValidator validator;
    private ListState<long[]> countState;
    private ListState<String> sourceState;
    private ListState<byte[]> sourceSketchState;
    private long read;
    private long invalid;
    private DistinctCount sources;
    private Counter readCounter;
    private Counter invalidCounter;

    /**
     * @param countsDir where the counts go at the end of the input; null for a second reading of an
     *     input (the centralized learner's, in order), which neither writes counts nor reports the
     *     {@code recordsRead} and {@code recordsInvalid} metrics, so nothing is counted twice
     */
    IngestLedger(ModelSpec spec, String countsDir) {
        this.spec = spec;
        this.countsDir = countsDir;
    }

    /** Restores the counts (one {read, invalid} entry per subtask that wrote it: sums stay exact after rescaling). */
    void initializeState(OperatorStateStore store) throws Exception {
        countState = store.getListState(StateDescriptors.ingestCounts());
        sourceState = store.getListState(StateDescriptors.ingestSources());
        sourceSketchState = store.getListState(StateDescriptors.ingestSourceSketch());
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

    /**
     * Besides Flink's counters {@code recordsRead} and {@code recordsInvalid}, which start again at 0
     * with every attempt of the job, the gauges {@code recordsReadTotal} and {@code
     * recordsInvalidTotal} carry the checkpointed counts. A second reading registers none.
     */
    void open(MetricGroup metrics) {
        parser = new JsonLineParser();
        validator = new ExampleValidator(spec);
        boolean primary = countsDir != null;
        readCounter = primary ? metrics.counter("recordsRead") : new SimpleCounter();
        invalidCounter = primary ? metrics.counter("recordsInvalid") : new SimpleCounter();
        if (primary) {
            metrics.gauge("recordsReadTotal", () -> read);
            metrics.gauge("recordsInvalidTotal", () -> invalid);
        }
    }

    /** The valid example {@code raw} holds, counted; else null, its dead letter given to {@code deadLetters}. */
    Example accept(RawRecord raw, Consumer<DeadLetter> deadLetters) {
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
            deadLetters.accept(new DeadLetter(raw.origin(), raw.position(), reason, text));
            return null;
        }
        sources.add(example.source());
        return example;
    }

    void snapshotState() throws Exception {
        countState.update(List.of(new long[] {read, invalid}));
        DistinctCount.State state = sources.toState();
        sourceState.update(List.of(state.names()));
        sourceSketchState.update(state.sketch() == null ? List.of() : List.of(state.sketch()));
    }

    /** At the end of the input, the counts of subtask {@code subtask}, unless this is a second reading. */
    void writeCounts(int subtask) throws Exception {
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
        new ObjectMapper().writeValue(dir.resolve("ingest-" + subtask + ".json").toFile(), counts);
    }
}
