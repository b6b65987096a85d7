package org.fedflink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.KafkaProperties;
import org.fedflink.kafka.ModelMessages;
import org.fedflink.kafka.ModelTail;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedflink models tail --topic T}: prints global versions as a job publishes them to a model topic. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Prints the global versions published to a Kafka model topic (output.kafka.modelTopic) as they"
                + " come: one line per version (or its metadata as JSON with --json), read with isolation"
                + " read_committed, so a version a failure rolled back never shows. Message format: "
                + ModelMessages.FORMAT + " (see docs/kafka.md). FEDFLINK_KAFKA_* environment variables"
                + " add client properties.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by --max, --idle or Ctrl-C", "2:invalid arguments"})
public final class ModelsTailCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The model topic.")
    String topic;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--property", paramLabel = "key=value", description = "Kafka consumer property (repeatable).")
    List<String> properties = new ArrayList<>();

    @Option(names = "--key", paramLabel = "JOB", description = "Only the versions of this job (or <job>/<task>).")
    String key;

    @Option(names = "--from-beginning", description = "Start with the oldest version on the topic, not the next one.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N versions.")
    long max;

    @Option(names = "--idle", paramLabel = "SECONDS", description = "Stop when no version came for this long.")
    Double idleSeconds;

    @Option(names = "--json", description = "Print each version's metadata (without the parameters) as one JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Properties client;
        try {
            client = KafkaProperties.client(bootstrap, System.getenv(), KafkaProperties.parse(properties, "--property"));
        } catch (JobSpecException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        Duration idle = idleSeconds == null ? null : Duration.ofMillis((long) (idleSeconds * 1000));
        ModelTail.follow(client, topic, new ModelTail.Options(key, fromBeginning, max, idle), received -> {
            out.println(json ? jsonLine(received) : line(received));
            out.flush();
        });
        return 0;
    }

    /** {@code v00000042 final  samples 123,456 sources 20 rounds 42 accuracy 0.8123 loss 0.4567  job quickstart  2026-...Z (offset 41)}. */
    static String line(ModelTail.Received r) {
        if (r.version() == null) {
            return String.format(Locale.ROOT, "offset %d: %s", r.offset(), r.problem());
        }
        var m = r.version().metadata();
        var metrics = m.path("metrics");
        return String.format(Locale.ROOT, "v%08d %-6s samples %,d sources %d rounds %d accuracy %s loss %s  job %s  %s"
                        + " (offset %d)",
                r.version().version(), r.version().last() ? "final" : "", m.path("samplesInModel").asLong(),
                m.path("sourcesInModel").asLong(), m.path("rounds").asLong(),
                number(metrics.path("holdoutAccuracy")), number(metrics.path("holdoutLoss")), r.key(),
                Instant.ofEpochMilli(m.path("createdMillis").asLong()), r.offset());
    }

    private static String jsonLine(ModelTail.Received r) {
        try {
            if (r.version() == null) {
                return JSON.writeValueAsString(java.util.Map.of("offset", r.offset(), "problem", r.problem()));
            }
            return JSON.writeValueAsString(r.version().metadata());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String number(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "-";
    }
}
