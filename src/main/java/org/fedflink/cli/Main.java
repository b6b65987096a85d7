package org.fedflink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fedflink} command line. */
@Command(
        name = "fedflink",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Federated and distributed online learning as an Apache Flink job.",
        subcommands = {RunCommand.class, ReportCommand.class, ModelsCommand.class, PredictCommand.class,
                ClusterCommand.class, SubmitCommand.class, StopCommand.class, ResumeCommand.class,
                KafkaCommand.class, ProduceCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int execute(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    // A person reads this: one line, the details are in the log file.
                    Throwable root = e;
                    while (root.getCause() != null && root.getCause() != root) {
                        root = root.getCause();
                    }
                    commandLine.getErr().println("error: " + root.getClass().getSimpleName() + ": "
                            + root.getMessage() + " (details in logs/fedflink.log)");
                    org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", e);
                    return 1;
                })
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fedflink " + (v == null ? "dev" : v) + " (Flink "
                    + org.apache.flink.runtime.util.EnvironmentInformation.getVersion() + ")"};
        }
    }
}
