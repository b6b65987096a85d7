package org.fedflink.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.runner.ClusterJob;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The main class of the job jar ({@code target/fedflink-job.jar}) for Flink's own CLI:
 *
 * <pre>
 * flink run [-d] [-s SAVEPOINT] fedflink-job.jar --spec jobs/quickstart.yaml --out /shared/runs/q1 [--set k=v ...]
 * </pre>
 *
 * Builds the graph of the job spec in the client, refusing a savepoint with another shard count,
 * and executes it. Attached (the default) it waits for the end and writes {@code summary.json};
 * detached ({@code -d}) it returns once the job is submitted. Errors are thrown, not turned into an
 * exit code, so that the Flink CLI reports them; the JVM is the client's and must not be exited.
 */
@Command(
        name = "fedflink-job",
        mixinStandardHelpOptions = true,
        description = "Runs a fedflink job spec under `flink run`. Use --set trainer.parallelism=N to change the"
                + " parallelism (Flink's -p does not apply: every operator sets its own).")
public final class JobMain {

    static final class SpecSource {
        @Option(names = "--spec", paramLabel = "FILE", description = "The job spec file (YAML).")
        Path file;

        @Option(names = "--spec-yaml", paramLabel = "YAML", description = "The job spec itself, as YAML text.")
        String yaml;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    SpecSource spec;

    @Option(names = "--set", paramLabel = "key.path=value", description = "Override a job-spec key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder, on a path every TaskManager can write (default: runs/<job>-<timestamp>).")
    Path out;

    public static void main(String[] args) throws Exception {
        JobMain main = new JobMain();
        CommandLine cli = new CommandLine(main);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
            cli.usage(System.out);
            return;
        }
        main.run();
    }

    void run() throws Exception {
        JobSpec job = spec.file != null ? JobSpecLoader.load(spec.file, overrides) : JobSpecLoader.parse(spec.yaml, overrides);
        Path dir = (out != null ? out : ClusterSubmission.defaultOutDir(job.job())).toAbsolutePath().normalize();
        System.out.println("Running job '" + job.job() + "' (" + job.mode().name().toLowerCase() + ") -> " + dir);
        ClusterJob.runInContext(job, dir, System.out);
    }
}
