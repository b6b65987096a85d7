package org.fedflink.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.fedflink.artifact.RunFolder;

/**
 * Writes the report of a run folder: one self-contained, offline HTML file ({@code report.html})
 * with the run's key numbers and charts — holdout metrics per global version (federated and
 * baseline on the same axes), windowed and cumulative prequential accuracy, examples/s over time,
 * the distribution of per-source accuracy with the worst 10% stated, round participation.
 *
 * <p>Scripts, styles and data are inline (uPlot, read from its webjar at report time), so the file
 * can be mailed or archived and opened anywhere without network access. What the run folder must
 * and may hold is described in {@link RunReader}; absent optional files and columns omit their
 * charts with a one-line note in the report.
 */
public final class RunReport {


    private RunReport() {}

    /** Writes {@code runDir/report.html}; see {@link #write(Path, Path)}. */
    public static Path write(Path runDir) throws IOException {
        return write(runDir, null);
    }

    /**
     * Writes the report of {@code runDir} to {@code outFile} (default {@code runDir/report.html} when
     * null), replacing it atomically where the file system allows, so a reader never sees half a file.
     *
     * @return the file written
     * @throws ReportException if {@code runDir} does not exist, has no {@code summary.json} or no
     *     {@code metrics.csv} (for a multi-task run: no {@code tasks/<name>/metrics.csv}), or its
     *     {@code summary.json} is not JSON; the message is one line
     * @throws IOException if a file cannot be read or the report cannot be written
     */
    public static Path write(Path runDir, Path outFile) throws IOException {
        Path out = outFile != null ? outFile : runDir.resolve(RunFolder.REPORT);
        String html = HtmlPage.render(RunReader.read(runDir));
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // a plain file next to the target (createTempFile would make it owner-only readable)
        Path tmp = dir.resolve("." + out.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }
}
