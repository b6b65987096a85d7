package org.fedflink.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.fedflink.kafka.BrokerException;
import org.fedflink.kafka.LocalKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fedflink kafka start|stop|status}: a single-node Kafka broker on this machine. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = "A single-node Kafka 4.2 broker (KRaft, broker and controller in one JVM) on 127.0.0.1, started"
                + " from Maven jars. Configuration, data, pid and logs are in the kafka folder (default:"
                + " $FEDFLINK_BROKER_DIR or $FEDFLINK_HOME/kafka); topics survive stop and start.",
        subcommands = {KafkaCommand.Start.class, KafkaCommand.Stop.class, KafkaCommand.Status.class})
public final class KafkaCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The broker folder when none is given. */
    static Path defaultDir() {
        String dir = System.getenv("FEDFLINK_BROKER_DIR");
        return dir != null && !dir.isBlank() ? Path.of(dir) : ClusterCommand.home().resolve("kafka");
    }

    /** The broker folder option of every subcommand. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "Broker folder (default: $FEDFLINK_BROKER_DIR or $FEDFLINK_HOME/kafka).")
        Path dir;

        Path dir() {
            return (dir != null ? dir : defaultDir()).toAbsolutePath().normalize();
        }

        /** The layout of the last start in the folder, or the defaults. */
        LocalKafka.Layout layout() throws BrokerException {
            Path d = dir();
            return LocalKafka.Layout.load(d).orElse(LocalKafka.Layout.defaults(d));
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the broker (formatting its storage on the first start) and waits until it answers."
                    + " Ports and heap default to those of the folder's last start, else 9092, 9093 and 768m.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the broker is up", "1:it could not be started (the message names the log)",
                "2:invalid arguments"})
    static final class Start implements Callable<Integer> {
        @Mixin
        DirOption dir = new DirOption();

        @Option(names = "--port", paramLabel = "PORT", description = "Client port (bootstrap 127.0.0.1:PORT).")
        Integer port;

        @Option(names = "--controller-port", paramLabel = "PORT", description = "KRaft controller port.")
        Integer controllerPort;

        @Option(names = "--heap", paramLabel = "SIZE", description = "The broker's heap, e.g. 768m or 2g.")
        String heap;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "90",
                description = "How long to wait for the broker to answer (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            LocalKafka.Layout layout;
            try {
                LocalKafka.Layout base = dir.layout();
                layout = new LocalKafka.Layout(base.dir(), port != null ? port : base.port(),
                        controllerPort != null ? controllerPort : base.controllerPort(),
                        heap != null ? heap : base.heap());
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            } catch (BrokerException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
            try {
                System.out.println(new LocalKafka(ClusterCommand.home(), layout, System.out)
                        .start(Duration.ofSeconds(timeoutSeconds)));
                return 0;
            } catch (BrokerException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops the broker this folder's start launched (SIGTERM, a controlled shutdown; SIGKILL after"
                    + " --grace seconds). Topics and their data stay unless --delete-data.")
    static final class Stop implements Callable<Integer> {
        @Mixin
        DirOption dir = new DirOption();

        @Option(names = "--delete-data", description = "Also delete the data folder: every topic and message.")
        boolean deleteData;

        @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long to wait for a clean shutdown (default: ${DEFAULT-VALUE}).")
        int graceSeconds;

        @Override
        public Integer call() {
            try {
                LocalKafka kafka = new LocalKafka(ClusterCommand.home(), dir.layout(), System.out);
                OptionalLong pid = kafka.stop(Duration.ofSeconds(graceSeconds), deleteData);
                System.out.println(pid.isPresent()
                        ? "stopped the kafka broker (pid " + pid.getAsLong() + ")"
                        : "no kafka broker was running in " + dir.dir());
                if (deleteData) {
                    System.out.println("deleted " + kafka.layout().dir().resolve("data"));
                }
                return 0;
            } catch (BrokerException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows the broker's process, addresses, data and topics (partitions, messages).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the broker runs", "1:it does not"})
    static final class Status implements Callable<Integer> {
        @Mixin
        DirOption dir = new DirOption();

        @Override
        public Integer call() {
            try {
                LocalKafka kafka = new LocalKafka(ClusterCommand.home(), dir.layout(), System.out);
                System.out.print(kafka.status());
                return kafka.pid().isPresent() ? 0 : 1;
            } catch (BrokerException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }
}
