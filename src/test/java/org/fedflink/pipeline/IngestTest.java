package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.data.DistinctCount;
import org.fedflink.data.Example;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Operator tests of {@link Ingest}: valid records become examples (with their timestamps), every
 * kind of bad input goes to the dead-letter side output with its reason and raw text and is
 * counted, nothing fails the operator; the counts file at the end of the input, the metrics of a
 * primary and of a second reading, and the counts and distinct sources through a snapshot and
 * restore, also at another parallelism (the {read, invalid} entries are summed, the sources united).
 */
class IngestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Softmax over two features and three classes: labels 0, 1, 2. */
    private static final ModelSpec SPEC = new ModelSpec(ModelType.SOFTMAX, 2, 3, 0.0);

    private static final int MAX_PARALLELISM = 8;

    @TempDir
    Path tmp;

    private Path counts() {
        return tmp.resolve("counts");
    }

    private OneInputStreamOperatorTestHarness<RawRecord, Example> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new Ingest(SPEC, counts().toString()));
    }

    private OneInputStreamOperatorTestHarness<RawRecord, Example> harness(int parallelism, int subtask)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new Ingest(SPEC, counts().toString()), MAX_PARALLELISM,
                parallelism, subtask);
    }

    private static String line(String source, int label) {
        return "{\"source\":\"" + source + "\",\"label\":" + label + ",\"features\":[0.5,1.5]}";
    }

    private static RawRecord valid(String source, long position) {
        return RawRecord.text("train.jsonl", position, line(source, 1));
    }

    private static RawRecord invalid(long position) {
        return RawRecord.text("train.jsonl", position, "not json");
    }

    private static List<DeadLetter> deadLetters(AbstractStreamOperatorTestHarness<?> h) {
        Collection<StreamRecord<DeadLetter>> side = h.getSideOutput(Ingest.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private JsonNode countsFile(int subtask) throws Exception {
        return JSON.readTree(counts().resolve("ingest-" + subtask + ".json").toFile());
    }

    private static Set<String> sources(JsonNode counts) {
        Set<String> sources = new HashSet<>();
        counts.path("sources").forEach(s -> sources.add(s.asText()));
        return sources;
    }

    @Test
    void processElement_validJsonLine_becomesTheExampleWithTheRecordsTimestamp() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(RawRecord.text("train.jsonl", 1,
                    "{\"source\":\"s1\",\"time\":5,\"label\":2,\"features\":[0.5,1.5]}"), 42);

            assertThat(deadLetters(h)).isEmpty();
            List<StreamRecord<? extends Example>> out = h.extractOutputStreamRecords();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getTimestamp()).isEqualTo(42);
            Example e = out.get(0).getValue();
            assertThat(e.source()).isEqualTo("s1");
            assertThat(e.timestamp()).isEqualTo(5);
            assertThat(e.label()).isEqualTo(2.0);
            assertThat(e.indices()).isNull();
            assertThat(e.values()).containsExactly(0.5f, 1.5f);
        }
    }

    @Test
    void processElement_validSparseLineAndStructuredExample_passThrough() throws Exception {
        Example structured = new Example("s3", 7, 0, null, new float[] {1, 2});
        try (var h = harness()) {
            h.open();
            h.processElement(RawRecord.text("t", 1, "{\"source\":\"s2\",\"label\":1,\"indices\":[1],\"values\":[3.0]}"), 0);
            h.processElement(RawRecord.of("generator", 2, structured), 0);

            assertThat(deadLetters(h)).isEmpty();
            List<Example> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(0).source()).isEqualTo("s2");
            assertThat(out.get(0).indices()).containsExactly(1);
            assertThat(out.get(0).values()).containsExactly(3.0f);
            assertThat(out.get(1).source()).isEqualTo("s3");
            assertThat(out.get(1).timestamp()).isEqualTo(7);
            assertThat(out.get(1).values()).containsExactly(1f, 2f);
        }
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("not json", "not valid JSON at column 4"),
                Arguments.of("", "empty line"),
                Arguments.of("[1,2]", "not a JSON object (got an array)"),
                Arguments.of("{\"source\":\"s\",\"label\":0,\"features\":[1,2]", "truncated JSON (unexpected end of input)"),
                Arguments.of(line("s", 0) + " trailing", "trailing content after the JSON object"),
                Arguments.of("{\"source\":\"s\",\"label\":0,\"features\":[1,2],\"weight\":1}", "unknown field 'weight'"),
                Arguments.of("{\"source\":\"s\",\"label\":0,\"features\":[1,2],\"source\":\"t\"}", "duplicate field 'source'"),
                Arguments.of("{\"label\":0,\"features\":[1,2]}", "missing source"),
                Arguments.of("{\"source\":\"  \",\"label\":0,\"features\":[1,2]}", "source is blank"),
                Arguments.of("{\"source\":\"s\",\"label\":\"x\",\"features\":[1,2]}", "label is not a number (got a string)"),
                Arguments.of("{\"source\":\"s\",\"label\":0,\"features\":[1,\"a\"]}",
                        "feature 1 is not a finite number (got string \"a\")"),
                Arguments.of("{\"source\":\"s\",\"label\":0}", "missing features"),
                Arguments.of("{\"source\":\"s\",\"label\":0,\"features\":[1]}", "expected 2 features, got 1"),
                Arguments.of(line("s", 3), "label 3 is out of range [0, 3)"),
                Arguments.of("{\"source\":\"s\",\"label\":1.5,\"features\":[1,2]}", "label 1.5 is not an integer class"),
                Arguments.of("{\"source\":\"s\",\"label\":0,\"indices\":[2],\"values\":[1]}",
                        "feature index 2 is out of range [0, 2) (indices[0])"),
                Arguments.of("{\"source\":\"s\",\"label\":0,\"indices\":[1,0],\"values\":[1,2]}",
                        "indices are not strictly increasing at indices[1] (0 after 1)"));
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void processElement_badLine_goesToTheDeadLettersWithItsReasonAndText(String text, String reason) throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(RawRecord.text("train.jsonl", 17, text), 0);

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(deadLetters(h)).singleElement().satisfies(d -> {
                assertThat(d.origin()).isEqualTo("train.jsonl");
                assertThat(d.position()).isEqualTo(17);
                assertThat(d.reason()).startsWith(reason);
                assertThat(d.raw()).isEqualTo(text);
            });
        }
    }

    @Test
    void processElement_rowTheReaderRejected_keepsTheReadersReasonAndText() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(RawRecord.invalid("train.csv", 3, "a,b,,c", "row has 4 fields, expected 3"), 0);

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(deadLetters(h)).containsExactly(
                    new DeadLetter("train.csv", 3, "row has 4 fields, expected 3", "a,b,,c"));
        }
    }

    @Test
    void processElement_invalidStructuredExample_isValidatedAndDeadLettered() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(RawRecord.of("generator", 9, new Example("s", 0, 1, null, new float[] {1, Float.NaN})), 0);
            h.processElement(RawRecord.of("generator", 10, new Example("s", 0, 5, null, new float[] {1, 2})), 0);
            h.processElement(RawRecord.of("generator", 11, new Example("", 0, 1, null, new float[] {1, 2})), 0);

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(deadLetters(h)).extracting(DeadLetter::position, DeadLetter::reason).containsExactly(
                    tuple(9L, "feature 1 is not a finite number (NaN)"),
                    tuple(10L, "label 5 is out of range [0, 3)"),
                    tuple(11L, "source is empty"));
            assertThat(deadLetters(h)).allSatisfy(d -> assertThat(d.raw()).isNotBlank());
        }
    }

    @Test
    void processElement_invalidStructuredExample_deadLetterShowsTheFeatureValues() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(RawRecord.of("generator", 9, new Example("s", 0, 5, null, new float[] {0.25f, 0.75f})), 0);

            assertThat(deadLetters(h)).singleElement().satisfies(d -> assertThat(d.raw())
                    .doesNotContain("[F@").contains("0.25").contains("0.75"));
        }
    }

    @Test
    void endInput_writesTheCountsOfReadAndInvalidRecordsAndTheDistinctValidSources() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(valid("a", 1), 0);
            h.processElement(valid("b", 2), 0);
            h.processElement(valid("a", 3), 0);
            h.processElement(invalid(4), 0);
            // the source of an invalid record is not counted among the sources
            h.processElement(RawRecord.text("train.jsonl", 5, line("c", 7)), 0);
            h.processElement(RawRecord.invalid("train.jsonl", 6, "x", "bad row"), 0);
            h.endInput();

            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(deadLetters(h)).hasSize(3);
        }
        JsonNode counts = countsFile(0);
        assertThat(counts.path("read").asLong()).isEqualTo(6);
        assertThat(counts.path("invalid").asLong()).isEqualTo(3);
        assertThat(sources(counts)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void endInput_secondReading_writesNoCountsButStillIngests() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new Ingest(SPEC, null))) {
            h.open();
            h.processElement(valid("a", 1), 0);
            h.processElement(invalid(2), 0);
            h.endInput();

            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(deadLetters(h)).hasSize(1);
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void snapshot_restored_countsAndSourcesContinueFromTheCheckpoint() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(valid("a", 1), 0);
            h.processElement(valid("b", 2), 0);
            h.processElement(invalid(3), 0);
            snapshot = h.snapshot(1, 1);
            // after the checkpoint: replayed after the restore, so not counted twice
            h.processElement(valid("lost", 4), 0);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(valid("lost", 4), 0);
            h.processElement(valid("a", 5), 0);
            h.processElement(invalid(6), 0);
            h.endInput();
        }
        JsonNode counts = countsFile(0);
        assertThat(counts.path("read").asLong()).isEqualTo(6);
        assertThat(counts.path("invalid").asLong()).isEqualTo(2);
        assertThat(sources(counts)).containsExactlyInAnyOrder("a", "b", "lost");
    }

    @Test
    void snapshot_manySources_areSketched_andTheSketchContinuesFromTheCheckpoint() throws Exception {
        int before = DistinctCount.EXACT_LIMIT + 5_000;
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < before; i++) {
                h.processElement(valid("s" + i, i), 0);
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            // 10,000 sources again and 10,000 new ones
            for (int i = before - 10_000; i < before + 10_000; i++) {
                h.processElement(valid("s" + i, i), 0);
            }
            h.endInput();
        }
        JsonNode counts = countsFile(0);
        assertThat(sources(counts)).isEmpty();
        byte[] sketch = counts.get("sourceSketch").binaryValue();
        DistinctCount restored = DistinctCount.of(new DistinctCount.State(null, sketch));
        // 25,000 distinct: the sketch's 0.8 % standard error, 2 % allowed
        assertThat((double) restored.count()).isCloseTo(before + 10_000, within(500.0));
    }

    @Test
    void initializeState_twoSubtasksRestoredAsOne_sumsTheCountsAndUnitesTheSources() throws Exception {
        OperatorSubtaskState first;
        OperatorSubtaskState second;
        try (var h = harness(2, 0)) {
            h.open();
            h.processElement(valid("a", 1), 0);
            h.processElement(valid("b", 2), 0);
            h.processElement(invalid(3), 0);
            first = h.snapshot(1, 1);
        }
        try (var h = harness(2, 1)) {
            h.open();
            h.processElement(valid("b", 1), 0);
            h.processElement(valid("c", 2), 0);
            h.processElement(invalid(3), 0);
            h.processElement(invalid(4), 0);
            h.processElement(valid("d", 5), 0);
            second = h.snapshot(1, 1);
        }
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                AbstractStreamOperatorTestHarness.repackageState(first, second), MAX_PARALLELISM, 2, 1, 0);
        try (var h = harness(1, 0)) {
            h.initializeState(merged);
            h.open();
            h.processElement(valid("e", 6), 0);
            h.endInput();
        }
        JsonNode counts = countsFile(0);
        assertThat(counts.path("read").asLong()).isEqualTo(3 + 5 + 1);
        assertThat(counts.path("invalid").asLong()).isEqualTo(1 + 2);
        assertThat(sources(counts)).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    }

    @Test
    void initializeState_oneSubtaskRestoredAsTwo_countsEachRecordOnceOverTheSubtasks() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(1, 0)) {
            h.open();
            for (int i = 0; i < 4; i++) {
                h.processElement(valid("s" + i, i), 0);
            }
            h.processElement(invalid(4), 0);
            snapshot = h.snapshot(1, 1);
        }
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var h = harness(2, subtask)) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, MAX_PARALLELISM,
                        1, 2, subtask));
                h.open();
                h.endInput();
            }
        }
        long read = 0;
        long invalid = 0;
        Set<String> sources = new HashSet<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            JsonNode counts = countsFile(subtask);
            read += counts.path("read").asLong();
            invalid += counts.path("invalid").asLong();
            sources.addAll(sources(counts));
        }
        assertThat(read).isEqualTo(5);
        assertThat(invalid).isEqualTo(1);
        assertThat(sources).containsExactlyInAnyOrder("s0", "s1", "s2", "s3");
    }

    /** A task metric group whose operator group keeps what the operator registers. */
    private static final class Metrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
        final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

        @Override
        public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> variables) {
            return operator;
        }
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, Example> harness(Ingest ingest, Metrics metrics)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(ingest,
                new MockEnvironmentBuilder().setMetricGroup(metrics).build());
    }

    private static long count(Metrics metrics, String name) {
        return ((Counter) metrics.operator.get(name)).getCount();
    }

    private static Object gauge(Metrics metrics, String name) {
        return ((Gauge<?>) metrics.operator.get(name)).getValue();
    }

    @Test
    void metrics_countersStartAgainWithARestore_theTotalGaugesIncludeTheCheckpoint() throws Exception {
        OperatorSubtaskState snapshot;
        Metrics before = new Metrics();
        try (var h = harness(new Ingest(SPEC, counts().toString()), before)) {
            h.open();
            h.processElement(valid("a", 1), 0);
            h.processElement(valid("b", 2), 0);
            h.processElement(invalid(3), 0);
            assertThat(count(before, "recordsRead")).isEqualTo(3);
            assertThat(count(before, "recordsInvalid")).isEqualTo(1);
            assertThat(gauge(before, "recordsReadTotal")).isEqualTo(3L);
            assertThat(gauge(before, "recordsInvalidTotal")).isEqualTo(1L);
            snapshot = h.snapshot(1, 1);
        }
        Metrics after = new Metrics();
        try (var h = harness(new Ingest(SPEC, counts().toString()), after)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(invalid(4), 0);
            assertThat(count(after, "recordsRead")).isEqualTo(1);
            assertThat(count(after, "recordsInvalid")).isEqualTo(1);
            assertThat(gauge(after, "recordsReadTotal")).isEqualTo(4L);
            assertThat(gauge(after, "recordsInvalidTotal")).isEqualTo(2L);
        }
    }

    @Test
    void metrics_secondReading_reportsNoCounts() throws Exception {
        Metrics metrics = new Metrics();
        try (var h = harness(new Ingest(SPEC, null), metrics)) {
            h.open();
            h.processElement(valid("a", 1), 0);
            h.processElement(invalid(2), 0);
            List<Metric> reported = new ArrayList<>();
            for (String name : List.of("recordsRead", "recordsInvalid", "recordsReadTotal", "recordsInvalidTotal")) {
                if (metrics.operator.get(name) != null) {
                    reported.add(metrics.operator.get(name));
                }
            }
            assertThat(reported).isEmpty();
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }
}
