package org.fedflink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.io.FileTrees;
import org.fedflink.runner.LocalRunner;
import org.fedflink.runner.RunSummary;

/**
 * Runs benchmark cases one after the other in this JVM. For each: the case's whole fedflink job
 * on an embedded MiniCluster (the project's Flink configuration: RocksDB, incremental
 * checkpoints), watched by a {@link JobProbe}; then the {@link Reference} loop over the same
 * examples. See docs/benchmarks.md for what each figure is.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param outDir the bench folder: {@code bench.json}, {@code data/} and a run folder per case
     * @param specDir the bench job specs ({@code jobs/bench})
     * @param flinkConfDir the Flink configuration folder of {@code fedflink run}
     * @param fashionMnist where Fashion-MNIST is installed (the workloads fall back to the generator without it)
     * @param quick few examples per case
     * @param progress where progress lines go (stderr)
     * @param fork run each case in a JVM of its own (started like this one), so that its memory,
     *     CPU and JIT figures are its own; false runs every case in this JVM
     * @param examples examples per case instead of each case's own number, null for theirs
     * @param sets {@code KEY=VALUE} job-spec overrides applied to every case after its own
     */
    public record Settings(Path outDir, Path specDir, Path flinkConfDir, Path fashionMnist, boolean quick,
            PrintStream progress, boolean fork, Long examples, List<String> sets) {
        public Settings {
            sets = List.copyOf(sets);
        }
    }

    /** Name of a case's result in its run folder (what a forked JVM hands back). */
    public static final String CASE_FILE = "case.json";

    private final Settings settings;
    private final BenchData data;

    public Bench(Settings settings) {
        this.settings = settings;
        this.data = new BenchData(settings.outDir().resolve("data"), settings.fashionMnist());
    }

    /** Runs the cases, writing {@code bench.json} after each one (so a stopped run keeps what it measured). */
    public List<BenchResult> run(List<BenchCase> cases) throws Exception {
        List<BenchResult> results = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            BenchCase c = cases.get(i);
            progress("[%d/%d] %s%s", i + 1, cases.size(), c.name(),
                    settings.fork() ? " (in a JVM of its own)" : " (in this JVM)");
            BenchResult result = settings.fork() ? runForked(c) : runInProcess(c);
            results.add(result);
            BenchReport.write(settings.outDir(), results);
        }
        return results;
    }

    /** Runs one case in this JVM and writes its result to its run folder's {@value #CASE_FILE}. */
    public BenchResult runInProcess(BenchCase c) throws Exception {
        CasePlan plan = CasePlan.of(c, data, settings.specDir(), settings.quick(), settings.sets());
        BenchResult result = runCase(plan);
        BenchReport.writeCase(settings.outDir().resolve(c.name()).resolve(CASE_FILE), result);
        return result;
    }

    /**
     * Runs one case in a new JVM: the same java, JVM options and class path as this one,
     * {@code fedflink bench --child --case NAME}, and reads back the result it wrote.
     */
    BenchResult runForked(BenchCase c) throws Exception {
        Path caseFile = settings.outDir().resolve(c.name()).resolve(CASE_FILE);
        java.nio.file.Files.deleteIfExists(caseFile);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            command.add(childJvmArg(arg, c.name()));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.fedflink.cli.Main");
        command.addAll(List.of("bench", "--child", "--case", c.name(), "--out", settings.outDir().toString(),
                "--flink-conf", settings.flinkConfDir().toString()));
        if (settings.quick()) {
            command.add("--quick");
        }
        if (settings.examples() != null) {
            command.addAll(List.of("--examples", settings.examples().toString()));
        }
        for (String set : settings.sets()) {
            command.addAll(List.of("--set", set));
        }
        Process child = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int exit = child.waitFor();
        if (java.nio.file.Files.exists(caseFile)) {
            return BenchReport.readCase(caseFile);
        }
        progress("  %s: its JVM exited with %d and no result (see above and logs/fedflink.log)", c.name(), exit);
        return BenchResult.failed(c, "FAILED (exit " + exit + ")",
                settings.outDir().resolve(c.name()).toAbsolutePath().toString());
    }

    /**
     * A JVM option of this JVM for a case's JVM: the same, except that a flight recording goes to a
     * file of its own, {@code x.jfr} becoming {@code x-CASE.jfr}.
     */
    static String childJvmArg(String arg, String caseName) {
        if (!arg.startsWith("-XX:StartFlightRecording")) {
            return arg;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("filename=([^,]+?)(\\.jfr)?(?=,|$)").matcher(arg);
        return m.find() ? m.replaceFirst("filename=$1-" + caseName + ".jfr") : arg;
    }

    BenchResult runCase(CasePlan plan) throws Exception {
        BenchCase c = plan.benchCase();
        JobSpec spec = plan.load();
        Path caseDir = settings.outDir().resolve(c.name());
        FileTrees.deleteRecursively(caseDir);
        progress("  %s: %s, %s, %,d examples, %d slot%s", c.name(), c.workload().description(), plan.data(),
                plan.examples(), c.parallelism(), c.parallelism() == 1 ? "" : "s");
        progress("  job: %s", plan.command());

        // a clean slate for the memory figures: earlier cases' garbage and peaks do not count
        System.gc();
        ProcessMemory.resetPeakHeapAfterGc();
        boolean rssReset = ProcessMemory.resetPeakRss();
        BenchReporter.clear();

        LocalRunner.Options options = LocalRunner.Options.defaults(caseDir)
                .withFlinkConfDir(settings.flinkConfDir())
                .withOverrides(Map.of(BenchReporter.CONFIG_KEY, BenchReporter.CONFIG));
        double submitted = System.currentTimeMillis();
        RunSummary summary;
        CheckpointFigures checkpoints;
        JobProbe probe = new JobProbe().start();
        long peakRss;
        double ended;
        try (LocalRunner runner = LocalRunner.start(spec, options)) {
            try {
                summary = runner.awaitSummary();
            } finally {
                ended = System.currentTimeMillis();
                probe.close();
            }
            peakRss = rssReset ? ProcessMemory.peakRssBytes() : probe.peakRssPolledBytes();
            checkpoints = CheckpointFigures.of(runner.cluster().getExecutionGraph(runner.jobId())
                    .get(60, TimeUnit.SECONDS));
        }
        long peakHeapAfterGc = ProcessMemory.peakHeapAfterGcBytes();
        JsonNode s = summary.json();
        long examples = s.path("examples").asLong();

        VersionLog versions = VersionLog.read(caseDir.resolve(RunFolder.METRICS));
        double firstRead = probe.firstReadMillis();
        double allTrained = versions.millisWhenHolding(examples);
        double trainSeconds = (allTrained - firstRead) / 1000;
        double examplesPerSecond = trainSeconds > 0 ? examples / trainSeconds : Double.NaN;
        UpdateLatency.Curve emitted = probe.emittedCurve();
        Percentiles.Sorted latency = Percentiles.sorted(UpdateLatency.latencies(emitted, versions.folded()));
        progress("  job: %s, %,.0f examples/s (%.1f s from the first example read to a global model holding all"
                        + " %,d), update-to-model latency p50 %.1f ms, p99 %.1f ms, %d checkpoints (mean %.0f ms: barrier delay %.0f, sync %.0f, async %.0f)",
                s.path("status").asText(), examplesPerSecond, trainSeconds, examples, latency.at(50), latency.at(99),
                checkpoints.completed(), checkpoints.meanMillis(), checkpoints.meanStartDelayMillis(),
                checkpoints.meanSyncMillis(), checkpoints.meanAsyncMillis());

        List<TaskTimes> tasks = probe.taskTimes(firstRead, allTrained);
        for (TaskTimes t : tasks) {
            progress("    %-60s %3.0f%% busy, %3.0f%% back-pressured, %3.0f%% idle",
                    shorten(t.task()) + " (" + t.subtask() + ")", 100 * t.busy(), 100 * t.backPressured(),
                    100 * t.idle());
        }
        progress("  reference: plain Java loop over the same %,d examples ...", examples);
        Reference.Result reference = Reference.run(spec, caseDir.resolve("reference"), examples);
        double referenceRate = reference.examplesPerSecond();
        double ratio = examplesPerSecond / c.parallelism() / referenceRate;
        double cpuSeconds = probe.cpuSecondsBetween(firstRead, allTrained);
        double cpuRatio = reference.cpuSeconds() / cpuSeconds;
        double anchorRate = reference.anchorExamplesPerSecond();
        double anchorRatio = examplesPerSecond / c.parallelism() / anchorRate;
        progress("  reference: %,.0f examples/s; ratio per slot %.2f; CPU: job %.1f s, reference %.1f s (ratio %.2f)",
                referenceRate, ratio, cpuSeconds, reference.cpuSeconds(), cpuRatio);
        progress("  anchor (straightforward loop): %,.0f examples/s; job's ratio per slot %.2f", anchorRate,
                anchorRatio);
        pruneModels(caseDir);

        return new BenchResult(
                c.name(),
                c.workload().description(),
                plan.data(),
                s.path("status").asText(),
                examples,
                c.parallelism(),
                s.path("sources").asLong(),
                examplesPerSecond,
                referenceRate,
                ratio,
                anchorRate,
                anchorRatio,
                cpuRatio,
                latency.at(50),
                latency.at(99),
                emitted.total(),
                versions.versions(),
                checkpoints.completed(),
                checkpoints.meanMillis(),
                checkpoints.maxMillis(),
                checkpoints.maxStateBytes(),
                checkpoints.meanCheckpointedBytes(),
                checkpoints.meanStartDelayMillis(),
                checkpoints.meanSyncMillis(),
                checkpoints.meanAsyncMillis(),
                checkpoints.slowestTask(),
                probe.peakHeapBytes(),
                peakHeapAfterGc == 0 ? -1 : peakHeapAfterGc,
                peakRss,
                s.path("metrics").path("holdoutAccuracy").asDouble(Double.NaN),
                reference.holdoutAccuracy(),
                reference.anchorHoldoutAccuracy(),
                trainSeconds,
                cpuSeconds,
                reference.seconds(),
                reference.cpuSeconds(),
                (firstRead - submitted) / 1000,
                (ended - submitted) / 1000,
                tasks,
                caseDir.toAbsolutePath().toString(),
                plan.command());
    }

    /**
     * Keeps the run folder small: removes the checkpoints and the parameter files of every version
     * but the final one (metrics.csv and the versions' metadata stay).
     */
    static void pruneModels(Path caseDir) throws IOException {
        FileTrees.deleteRecursively(caseDir.resolve(RunFolder.CHECKPOINTS));
        Path models = caseDir.resolve(RunFolder.MODELS);
        Path latest = models.resolve(RunFolder.LATEST);
        if (!Files.exists(latest)) {
            return;
        }
        String keep = JSON.readTree(latest.toFile()).path("params").asText();
        try (Stream<Path> files = Files.list(models)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".f32")).toList()) {
                if (!f.getFileName().toString().equals(keep)) {
                    Files.delete(f);
                }
            }
        }
    }

    private static String shorten(String task) {
        return task.length() <= 56 ? task : task.substring(0, 53) + "...";
    }

    private void progress(String format, Object... args) {
        if (settings.progress() != null) {
            settings.progress().println("bench: " + String.format(Locale.ROOT, format, args));
            settings.progress().flush();
        }
    }
}
