package org.fedflink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fedflink models ...}: savepoints and retained checkpoints as model versions. Each one
 * holds, per learning loop, the global model the aggregators had checkpointed; these commands
 * read it with Flink's State Processor API, interpreting it with the run's {@code job.yaml}.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Savepoints and retained checkpoints as model versions: list, show, export and diff the global"
                + " models they hold. SAVEPOINT is a savepoint or checkpoint folder (with _metadata); for list, also a"
                + " folder holding several (runs/<run>/savepoints, runs/<run>/checkpoints). The job spec is the run's"
                + " job.yaml, found above the savepoint, or --job. tail follows the versions a job publishes to a Kafka"
                + " model topic.",
        subcommands = {
            ModelsListCommand.class,
            ModelsShowCommand.class,
            ModelsExportCommand.class,
            ModelsDiffCommand.class,
            ModelsEvaluateCommand.class,
            ModelsTailCommand.class
        })
public final class ModelsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
