package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
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
        try (var h = new OneInputStreamOperatorTestHarness<>(LinesWriter.deadLetters(file.toString()))) {
            h.open();
            h.processElement(new DeadLetter("in.csv", 7, "bad number", "a,b"), 0);
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"origin\":\"in.csv\",\"position\":7,\"reason\":\"bad number\",\"raw\":\"a,b\"}");
    }
}
