package org.fedflink.quality;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * MOA (Massive Online Analysis) run as a separate program: {@code java -cp <MOA's classpath>
 * quality/moa/MoaTasks.java "<task>" ...}, which runs each task as {@code moa.DoTask "<task>"} would,
 * all in one JVM. MOA is GPL-3.0, so it is never a dependency of fedflink's pom or jar: its
 * classpath is resolved from its own tiny pom ({@code quality/moa/pom.xml}) with Maven's
 * {@code dependency:build-classpath}, once, into a file that is reused while its jars exist.
 */
final class Moa {

    /** The MOA artifact of {@code quality/moa/pom.xml}. */
    static final String ARTIFACT = "nz.ac.waikato.cms.moa:moa:2024.07.0";

    /** The pom that resolves MOA, relative to the repository. */
    static final Path POM = Path.of("quality", "moa", "pom.xml");

    /** The longest one MOA task may take. */
    private static final long TASK_MINUTES = 20;

    /** The program that runs MOA's tasks, beside the pom. */
    static final String RUNNER = "MoaTasks.java";

    /** The line {@value #RUNNER} prints after each task's result. */
    static final String END_OF_TASK = "@@ end of MOA task @@";

    private final String classpath;
    private final Path runner;
    private final Path log;

    private Moa(String classpath, Path runner, Path log) {
        this.classpath = classpath;
        this.runner = runner;
        this.log = log;
    }

    /**
     * MOA with the classpath cached in {@code cache}, resolved with Maven from {@code pom} when the
     * cache is missing or names a jar that is gone.
     *
     * @param log where MOA's and Maven's console output goes (appended)
     * @throws IOException with one line when Maven is missing or cannot resolve MOA
     */
    static Moa resolve(Path pom, Path cache, Path log) throws IOException {
        if (!usable(cache)) {
            if (!Files.isRegularFile(pom)) {
                throw new IOException("MOA's pom " + pom + " does not exist (it is quality/moa/pom.xml of the repository)");
            }
            Files.createDirectories(cache.toAbsolutePath().getParent());
            // a file of its own, so that two datasets prepared at once do not write the same one
            Path tmp = Files.createTempFile(cache.toAbsolutePath().getParent(), cache.getFileName().toString(), ".tmp");
            List<String> command = List.of("mvn", "-q", "-B", "-f", pom.toAbsolutePath().toString(),
                    "dependency:build-classpath", "-Dmdep.outputFile=" + tmp.toAbsolutePath());
            try {
                int exit = runMaven(command, log);
                if (exit != 0 || Files.size(tmp) == 0) {
                    throw new IOException("cannot resolve MOA's classpath: '" + String.join(" ", command)
                            + "' exited with " + exit + " (is Maven installed and its repository reachable?): "
                            + lastLine(log));
                }
                Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        Path runner = pom.toAbsolutePath().resolveSibling(RUNNER);
        if (!Files.isRegularFile(runner)) {
            throw new IOException("MOA's task runner " + runner + " does not exist (it is quality/moa/" + RUNNER + ")");
        }
        return new Moa(Files.readString(cache, StandardCharsets.UTF_8).strip(), runner, log);
    }

    private static boolean usable(Path cache) throws IOException {
        if (!Files.isRegularFile(cache)) {
            return false;
        }
        String cp = Files.readString(cache, StandardCharsets.UTF_8).strip();
        if (cp.isEmpty()) {
            return false;
        }
        for (String jar : cp.split(File.pathSeparator)) {
            if (!Files.exists(Path.of(jar))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs MOA tasks ({@code moa.DoTask} syntax) one after another in one JVM started in
     * {@code workDir}, with {@value #RUNNER} (beside the pom), and returns what each printed on
     * standard output (its result, for the evaluation tasks).
     *
     * @throws IOException with MOA's last line when a task fails or they take longer than 20 minutes
     */
    List<String> run(List<String> tasks, Path workDir) throws IOException {
        Path out = Files.createTempFile(workDir, "moa-", ".out");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", classpath, runner.toString()));
            command.addAll(tasks);
            StringBuilder logged = new StringBuilder();
            for (String task : tasks) {
                logged.append("$ moa ").append(task).append('\n');
            }
            Files.writeString(log, logged, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            int exit = waitFor(builder.start());
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            List<String> results = new ArrayList<>(List.of(printed.split("(?m)^" + Pattern.quote(END_OF_TASK) + "\\R?", -1)));
            results.remove(results.size() - 1); // what follows the last marker: nothing, or a failed task's output
            if (exit != 0 || results.size() != tasks.size()) {
                throw new IOException("MOA failed (exit " + exit + ") after " + results.size() + " of " + tasks.size()
                        + " tasks (see " + log + "): " + lastLine(log));
            }
            return results;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int runMaven(List<String> command, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return waitFor(builder.start());
        } catch (IOException e) {
            throw new IOException("cannot run '" + command.get(0) + "' (" + e.getMessage() + "): MOA's classpath is"
                    + " resolved with Maven", e);
        }
    }

    private static int waitFor(Process process) throws IOException {
        try {
            if (!process.waitFor(TASK_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("'" + process.info().command().orElse("process") + "' did not finish in "
                        + TASK_MINUTES + " minutes");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The last non-blank line of a log, for a one-line message. */
    static String lastLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "(no output)";
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.ISO_8859_1));
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                return abbreviate(line.replaceAll("\\e\\[[0-9;]*m", ""));
            }
        }
        return "(no output)";
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 297) + "...";
    }

    /** The classpath MOA runs with. */
    String classpath() {
        return classpath;
    }
}
