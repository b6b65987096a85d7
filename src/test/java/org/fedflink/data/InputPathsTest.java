package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing or unreadable input is one line naming its key and its path. */
class InputPathsTest {

    @TempDir
    Path tmp;

    @Test
    void listFiles_directory_nameOrderWithoutHiddenFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(dir.resolve("b.csv"), "");
        Files.writeString(dir.resolve("a.csv"), "");
        Files.writeString(dir.resolve(".hidden"), "");
        Files.createDirectories(dir.resolve("sub"));

        assertThat(InputPaths.listFiles("input.path", dir)).containsExactly(dir.resolve("a.csv"), dir.resolve("b.csv"));
        assertThat(InputPaths.listFiles("input.path", dir.resolve("b.csv"))).containsExactly(dir.resolve("b.csv"));
    }

    @Test
    void listFiles_missingOrEmpty_oneLineNamingTheKey() throws Exception {
        Path none = Files.createDirectories(tmp.resolve("none"));
        Files.writeString(none.resolve(".hidden"), "");

        assertThatThrownBy(() -> InputPaths.listFiles("input.path", none))
                .isInstanceOf(FormatException.class)
                .hasMessage("input.path: " + none + " has no files to read (hidden files and subdirectories are"
                        + " skipped)");
        assertThatThrownBy(() -> InputPaths.listFiles("input.path", tmp.resolve("x.jsonl")))
                .isInstanceOf(FormatException.class)
                .hasMessage("input.path: " + tmp.resolve("x.jsonl") + " does not exist");
    }

    @Test
    void requireFile_missingOrADirectory() {
        assertThatThrownBy(() -> InputPaths.requireFile("input.labelsPath", tmp.resolve("labels.idx")))
                .isInstanceOf(FormatException.class)
                .hasMessage("input.labelsPath: " + tmp.resolve("labels.idx") + " does not exist");
        assertThatThrownBy(() -> InputPaths.requireFile("evaluation.holdouts.late.path", tmp))
                .isInstanceOf(FormatException.class)
                .hasMessage("evaluation.holdouts.late.path: " + tmp + " is a directory, not a file");
    }

    @Test
    void requireDirectory_missingOrAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("a.jsonl"), "");

        assertThat(InputPaths.requireDirectory("input.path", tmp, "input.monitor is true")).isEqualTo(tmp);
        assertThatThrownBy(() -> InputPaths.requireDirectory("input.path", file, "input.monitor is true"))
                .hasMessage("input.path: " + file + " is not a directory (input.monitor is true)");
        assertThatThrownBy(() -> InputPaths.requireDirectory("input.path", tmp.resolve("d"), "input.monitor is true"))
                .hasMessage("input.path: " + tmp.resolve("d") + " does not exist");
    }

    @Test
    void cannotRead_namesKeyPathAndReason() {
        Path file = tmp.resolve("a.jsonl");

        assertThat(InputPaths.cannotRead("input.path", file, new IOException("Input/output error\nmore")))
                .hasMessage("input.path: cannot read " + file + ": Input/output error");
        assertThat(InputPaths.cannotRead("input.path", file, new NoSuchFileException(file.toString())))
                .hasMessage("input.path: " + file + " does not exist");
        assertThat(InputPaths.cannotRead("evaluation.holdoutPath", file, new AccessDeniedException(file.toString())))
                .hasMessage("evaluation.holdoutPath: " + file + " is not readable");
    }
}
