package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.io.RollingAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LinesWriter}: each line exactly once across a restore; the drift events' CSV rows. */
class LinesWriterTest {

    @TempDir
    Path tmp;

    private static DriftEvent event(long time, String source) {
        return new DriftEvent(time, 3, source, "adwin", 0.125);
    }

    @Test
    void drifts_restoredAfterACheckpoint_dropTheRowsWrittenSince_andKeepOneHeader() throws Exception {
        Path file = tmp.resolve("drifts.csv");
        OperatorSubtaskState checkpoint;
        try (var h = new OneInputStreamOperatorTestHarness<>(LinesWriter.drifts(file.toString()))) {
            h.open();
            h.processElement(event(10, "a"), 10);
            h.processElement(event(20, "global"), 20);
            checkpoint = h.snapshot(1, 1);
            // written after the checkpoint, then the job fails: replayed below
            h.processElement(event(30, "b"), 30);
        }
        try (var h = new OneInputStreamOperatorTestHarness<>(LinesWriter.drifts(file.toString()))) {
            h.initializeState(checkpoint);
            h.open();
            h.processElement(event(30, "b"), 30);
            h.processElement(event(Long.MIN_VALUE, "c,\"d\""), 40);
        }
        assertThat(Files.readAllLines(file)).isEqualTo(List.of(
                "time,version,source,detector,statistic",
                "10,3,a,adwin,0.125000",
                "20,3,global,adwin,0.125000",
                "30,3,b,adwin,0.125000",
                ",3,\"c,\"\"d\"\"\",adwin,0.125000"));
    }

    @Test
    void jsonLines_freshStart_emptiesTheFile_andWritesNoHeader() throws Exception {
        Path file = tmp.resolve("dead-letter.jsonl");
        Files.writeString(file, "left from an earlier run\n");
        var writer = LinesWriter.deadLetters(file.toString(), RollingAppender.Policy.never());
        try (var h = new OneInputStreamOperatorTestHarness<>(writer)) {
            h.open();
            h.processElement(new DeadLetter("in.csv", 7, "bad number", "a,b"), 0);
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"origin\":\"in.csv\",\"position\":7,\"reason\":\"bad number\",\"raw\":\"a,b\"}");
    }

    @Test
    void deadLetters_rollingOverAcrossARestore_holdEachLetterOnce_inTheNewestParts() throws Exception {
        Path file = tmp.resolve("dead-letter.jsonl");
        // each letter's line is 67 bytes: a file rolls at its second, two rolled parts stay
        RollingAppender.Policy rolling = new RollingAppender.Policy(100, 2);
        OperatorSubtaskState checkpoint;
        try (var h = new OneInputStreamOperatorTestHarness<>(LinesWriter.deadLetters(file.toString(), rolling))) {
            h.open();
            for (int i = 0; i < 5; i++) {
                h.processElement(letter(i), i);
            }
            checkpoint = h.snapshot(1, 1);
            // written after the checkpoint (rolling the active file over once more), then the job fails
            h.processElement(letter(5), 5);
            h.processElement(letter(6), 6);
        }
        assertThat(Files.exists(tmp.resolve("dead-letter.000003.jsonl"))).isTrue();
        try (var h = new OneInputStreamOperatorTestHarness<>(LinesWriter.deadLetters(file.toString(), rolling))) {
            h.initializeState(checkpoint);
            h.open();
            for (int i = 5; i < 7; i++) {
                h.processElement(letter(i), i);
            }
        }
        // letters 0-1 went with part 1 (two parts stay); part 3, rolled after the checkpoint, became the
        // active file again and was cut back to letter 4 before 5 and 6 were replayed
        assertThat(Files.exists(tmp.resolve("dead-letter.000001.jsonl"))).isFalse();
        assertThat(positions(tmp.resolve("dead-letter.000002.jsonl"))).containsExactly(2L, 3L);
        assertThat(positions(tmp.resolve("dead-letter.000003.jsonl"))).containsExactly(4L, 5L);
        assertThat(positions(file)).containsExactly(6L);
        assertThat(Files.exists(tmp.resolve("dead-letter.000004.jsonl"))).isFalse();
    }

    private static DeadLetter letter(int i) {
        return new DeadLetter("in.csv", i, "bad number", "a,b");
    }

    private static List<Long> positions(Path file) throws Exception {
        return Files.readAllLines(file).stream()
                .map(line -> Long.parseLong(line.replaceAll(".*\"position\":(\\d+).*", "$1")))
                .toList();
    }
}
