package org.fedflink.cli;

import org.fedflink.artifact.ArtifactException;
import org.fedflink.config.JobSpecException;
import org.fedflink.data.FormatException;
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
                KafkaCommand.class, ProduceCommand.class, BenchCommand.class, QualityCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /**
     * The logger of what a person does not read on the console: stack traces of failed commands.
     * The log configuration sends it to the log file only (the console has the one-line error).
     */
    static final String DETAILS_LOGGER = "org.fedflink.cli.details";

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
                    // A person reads this: one line; the stack trace goes to the log file only.
                    org.slf4j.LoggerFactory.getLogger(DETAILS_LOGGER).error("command failed", e);
                    commandLine.getErr().println(errorLine(e));
                    return isUserError(e) ? 2 : 1;
                })
                .execute(args);
    }

    /**
     * The console line of a failed command: the message alone for a problem in what the user gave
     * (a job spec, an input, a model: it names the key or the file), else the exception's class and
     * message and where the details are.
     */
    static String errorLine(Throwable e) {
        Throwable user = userError(e);
        if (user != null) {
            return "error: " + user.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "error: " + root.getClass().getSimpleName() + ": " + root.getMessage() + " (details in "
                + System.getProperty("fedflink.log.file", "logs/fedflink.log") + ")";
    }

    private static boolean isUserError(Throwable e) {
        return userError(e) != null;
    }

    /** The first exception in the chain that reports a problem in the user's input, or null. */
    private static Throwable userError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FormatException || t instanceof JobSpecException || t instanceof ArtifactException) {
                return t;
            }
        }
        return null;
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
