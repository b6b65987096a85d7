package org.fedflink.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RollingAppender}: parts named and kept by the policy, a fresh start, a restore. */
class RollingAppenderTest {

    @TempDir
    Path tmp;

    @Test
    void rollsAtTheSize_keepsTheNewestParts_andStartsEachPartWithTheHeader() throws Exception {
        Path file = tmp.resolve("drifts.csv");
        try (RollingAppender a = RollingAppender.open(file, new RollingAppender.Policy(10, 2), null, "h")) {
            for (String line : List.of("aaaa", "bbbb", "cccc", "dddd", "eeee", "ffff", "gg")) {
                // the header (2 bytes) and two lines of 5 reach 10: each file rolls after its second line
                a.line(line);
            }
            assertThat(a.flushedPosition()).isEqualTo(new RollingAppender.Position(3, 5));
        }
        assertThat(Files.exists(tmp.resolve("drifts.000001.csv"))).isFalse();
        assertThat(Files.readAllLines(tmp.resolve("drifts.000002.csv"))).containsExactly("h", "cccc", "dddd");
        assertThat(Files.readAllLines(tmp.resolve("drifts.000003.csv"))).containsExactly("h", "eeee", "ffff");
        assertThat(Files.readAllLines(file)).containsExactly("h", "gg");
    }

    @Test
    void neverRolls_byDefault_andAFreshStartDeletesTheParts_ofAnEarlierRun() throws Exception {
        Path file = tmp.resolve("out.jsonl");
        Files.writeString(tmp.resolve("out.000001.jsonl"), "old\n");
        Files.writeString(tmp.resolve("out.000012.jsonl"), "old\n");
        Files.writeString(tmp.resolve("other.000001.jsonl"), "not ours\n");
        try (RollingAppender a = RollingAppender.open(file, RollingAppender.Policy.never(), null, null)) {
            for (int i = 0; i < 1000; i++) {
                a.line("x".repeat(100));
            }
            assertThat(a.flushedPosition()).isEqualTo(new RollingAppender.Position(0, 101_000));
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("out.jsonl", "other.000001.jsonl");
        }
    }

    @Test
    void restore_putsTheActiveFileBack_fromThePartItRolledToAfterTheCheckpoint() throws Exception {
        Path file = tmp.resolve("p.jsonl");
        RollingAppender.Policy policy = new RollingAppender.Policy(4, 0);
        RollingAppender.Position checkpoint;
        try (RollingAppender a = RollingAppender.open(file, policy, null, null)) {
            a.line("a");
            checkpoint = a.flushedPosition();
            a.line("b");
            a.line("c");
            a.line("d");
        }
        assertThat(checkpoint).isEqualTo(new RollingAppender.Position(0, 2));
        try (RollingAppender a = RollingAppender.open(file, policy, checkpoint, null)) {
            a.line("b2");
        }
        assertThat(Files.readAllLines(tmp.resolve("p.000001.jsonl"))).containsExactly("a", "b2");
        assertThat(Files.exists(tmp.resolve("p.000002.jsonl"))).isFalse();
        assertThat(Files.readAllLines(file)).isEmpty();
    }

    @Test
    void policy_refusesSizesBelowOneByte_andNegativeCounts() {
        assertThatThrownBy(() -> new RollingAppender.Policy(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RollingAppender.Policy(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
