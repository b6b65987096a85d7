package org.fedflink.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedflink.bench.Bench;
import org.fedflink.bench.BenchCase;
import org.fedflink.bench.BenchCases;
import org.fedflink.bench.BenchData;
import org.fedflink.bench.BenchReport;
import org.fedflink.bench.BenchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedflink bench}: whole jobs against a plain-Java reference, on an embedded MiniCluster. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Runs benchmark cases: each case's whole job on an embedded MiniCluster (RocksDB, checkpoints"
                + " every 10 s) and, in the same JVM, a plain single-threaded Java SGD loop over the same examples"
                + " with the same model (the reference). Prints examples/s, the ratio per slot to the reference,"
                + " update-to-model latency, checkpoint size and duration, peak heap and RSS, and writes them to"
                + " DIR/bench.json. Progress goes to stderr. Numbers, no assertions: see BENCHMARKS.md.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every case's job finished", "1:a case's job failed", "2:invalid arguments"})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Few examples per case (seconds each) and 1 s checkpoints, to try it out.")
    boolean quick;

    @Option(names = "--case", paramLabel = "NAME",
            description = "Run only this case (repeatable; default: all). Cases: softmax-p1, softmax-p2, logistic-p1,"
                    + " logistic-p2, sparse-p1, sparse-p2, sources-100, sources-100k.")
    List<String> cases = new ArrayList<>();

    @Option(names = "--examples", paramLabel = "N",
            description = "Examples per case instead of the case's own number (file inputs round to whole passes).")
    Long examples;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a job-spec key in every case, after the case's own settings (repeatable), to"
                    + " compare a setting on the same cases, e.g. --set input.readBy=readers.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Bench folder (default: runs/bench-<timestamp>).")
    Path out;

    @Option(names = "--in-process",
            description = "Run every case in this JVM instead of one JVM per case (faster to start; the memory and"
                    + " JIT state of earlier cases then carry over into later ones).")
    boolean inProcess;

    /** Set by the bench for the JVM it starts for one case: run it here, hand back DIR/CASE/case.json only. */
    @Option(names = "--child", hidden = true)
    boolean child;

    @Option(names = "--flink-conf", paramLabel = "DIR",
            description = "Folder with the Flink config.yaml (default: $FEDFLINK_HOME/flink-conf/local).")
    Path flinkConf;

    @Override
    public Integer call() throws Exception {
        List<BenchCase> selected;
        try {
            selected = BenchCases.select(cases);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (examples != null) {
            if (examples < 1) {
                System.err.println("error: --examples must be >= 1, got " + examples);
                return 2;
            }
            selected = selected.stream().map(c -> c.withExamples(examples)).toList();
        }
        Path outDir = out != null ? out : Path.of("runs",
                "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        String home = System.getenv("FEDFLINK_HOME");
        Path specDir = Path.of(home != null ? home : ".", "jobs", "bench");
        Bench bench = new Bench(new Bench.Settings(outDir, specDir,
                flinkConf != null ? flinkConf : RunCommand.defaultFlinkConf(), BenchData.FASHION_MNIST, quick,
                System.err, !inProcess && !child, examples, sets));
        if (child) {
            boolean finished = true;
            for (BenchCase c : selected) {
                finished &= bench.runInProcess(c).finished();
            }
            return finished ? 0 : 1;
        }
        List<BenchResult> results = bench.run(selected);
        Path file = BenchReport.write(outDir, results);
        System.out.print(BenchReport.table(results));
        System.out.println("Results: " + file + (quick ? "  (--quick: few examples, 1 s checkpoints)" : ""));
        return results.stream().allMatch(BenchResult::finished) ? 0 : 1;
    }
}
