package org.fedflink.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedflink.quality.DatasetSpec;
import org.fedflink.quality.QualityRow;
import org.fedflink.quality.QualitySuite;
import org.fedflink.quality.QualitySuites;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedflink quality}: the quality suite on real public data, with the project's defaults. */
@Command(
        name = "quality",
        mixinStandardHelpOptions = true,
        description = "Trains every dataset of quality/datasets/ with the project's defaults (each dataset names only"
                + " its input, model and holdouts) and compares the federated model with the centralized baseline,"
                + " the local-only baseline (every source alone) and a reference learner that is not the federated"
                + " path. Prepares the data first (Fashion-MNIST from bin/install-deps, Debian's package index, MOA's"
                + " drift streams), once, into data/quality/. Writes DIR/quality.json and DIR/QUALITY.md and prints"
                + " the table; progress on stderr. See docs/quality.md.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every dataset finished", "1:a dataset failed", "2:invalid arguments"})
public final class QualityCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A small version of every dataset (a few thousand examples each).")
    boolean quick;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "Run only this dataset (repeatable; default: every file in the datasets folder).")
    List<String> names = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/quality-<timestamp>).")
    Path out;

    @Option(names = "--datasets", paramLabel = "DIR",
            description = "Folder of dataset files (default: $FEDFLINK_HOME/quality/datasets).")
    Path datasetsDir;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Where prepared data is kept between runs (default: $FEDFLINK_HOME/data/quality).")
    Path dataDir;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a job-spec key on every dataset (repeatable), as with `run`: to try a candidate"
                    + " default on the whole suite. The table then says these figures are not the defaults'.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--in-process", description = "Run every job in this JVM instead of one JVM per dataset.")
    boolean inProcess;

    @Override
    public Integer call() throws Exception {
        String home = System.getenv("FEDFLINK_HOME");
        Path root = Path.of(home != null ? home : ".");
        List<DatasetSpec> datasets;
        try {
            datasets = QualitySuites.select(DatasetSpec.loadAll(
                    datasetsDir != null ? datasetsDir : root.resolve("quality").resolve("datasets")), names);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Path outDir = out != null ? out : Path.of("runs",
                "quality-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        QualitySuite suite = QualitySuites.standard(new QualitySuite.Settings(outDir,
                dataDir != null ? dataDir : root.resolve("data").resolve("quality"), quick, inProcess,
                RunCommand.defaultFlinkConf(), System.err, overrides), root);
        List<QualityRow> rows = suite.run(datasets);
        System.out.print(java.nio.file.Files.readString(outDir.resolve("QUALITY.md")));
        System.err.println("quality: results in " + outDir);
        return rows.stream().allMatch(r -> r.status().equals("FINISHED")) ? 0 : 1;
    }
}
