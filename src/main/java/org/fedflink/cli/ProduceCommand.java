package org.fedflink.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.config.KafkaProperties;
import org.fedflink.data.FormatException;
import org.fedflink.kafka.BrokerException;
import org.fedflink.kafka.FileProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedflink produce [FILE] --topic T}: loads an input into a Kafka topic. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Loads an input into a Kafka topic, one message per row: key = the row's source (a partitioned input's"
                    + " simulated source), value = the row as a JSON object with the default field names (source,"
                    + " time, label, features or indices/values), timestamp = the time it is sent. A job"
                    + " with input.type kafka and default input.fields reads exactly these examples; rows the file"
                    + " reader rejects are sent as their raw text, so that the job dead-letters them.",
            "FILE is read as a job spec's file input would be (any format, gzip, its partition into simulated"
                    + " sources, passes, shuffle): give the spec with --spec (e.g. the Kafka job that will read the"
                    + " topic: its model shape, input.fields, input.labelNames; --set input.partition.scheme=..."
                    + " deals rows without a source). Without FILE, the spec's generator data is sent.",
            "Topic, servers and client properties default to the spec's input.kafka section; FEDFLINK_KAFKA_*"
                    + " environment variables add client properties (see docs/job-spec.md)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every message was acknowledged", "1:the broker refused or could not be reached",
            "2:invalid arguments, job spec or input"})
public final class ProduceCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "The file or folder to load; omitted: the generator data of --spec.")
    Path file;

    @Option(names = "--spec", paramLabel = "JOB.yaml",
            description = "Job spec describing the input (format, fields, model shape, partition); the Kafka job's"
                    + " own spec works.")
    Path specFile;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "jsonl, csv, libsvm or idx (default: the spec's file type, else from the file's name).")
    String format;

    @Option(names = "--labels", paramLabel = "FILE", description = "The IDX labels file of an idx images FILE.")
    Path labels;

    @Option(names = "--features", paramLabel = "N",
            description = "Feature dimension, without --spec (a softmax model of --classes classes is assumed).")
    Integer features;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "2",
            description = "Classes, without --spec (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--set", paramLabel = "key.path=value",
            description = "Override a job-spec key, e.g. --set input.partition.scheme=dirichlet (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Topic (default: the spec's input.kafka.topic).")
    String topic;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Bootstrap servers (default: the spec's input.kafka.bootstrapServers, 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--property", paramLabel = "key=value",
            description = "Kafka producer property, on top of the spec's input.kafka.properties (repeatable).")
    List<String> properties = new ArrayList<>();

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of the topic when it is created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--limit", paramLabel = "N", description = "Send at most N messages.")
    long limit;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "Send at most this many messages per second (a live stream); default: as fast as possible.")
    double rate;

    @Option(names = "--holdout", paramLabel = "FILE",
            description = "Also write the generator's holdout set (evaluation.holdout examples, JSON lines) to FILE,"
                    + " for the Kafka job's evaluation.holdoutPath; generator data only.")
    Path holdout;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        JobSpec spec;
        try {
            spec = spec();
        } catch (JobSpecException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (holdout != null && file != null) {
            System.err.println("error: --holdout writes the generator's holdout set; a file input has its own holdout"
                    + " files (evaluation.holdoutPath)");
            return 2;
        }
        JobSpec.KafkaInputSpec kafka = spec.input().kafka();
        String target = topic != null ? topic : kafka.topic();
        if (target == null) {
            System.err.println("error: no topic: give --topic, or a --spec with input.kafka.topic");
            return 2;
        }
        Properties client;
        try {
            client = KafkaProperties.client(bootstrap != null ? bootstrap : kafka.bootstrapServers(), System.getenv(),
                    KafkaProperties.parse(kafka.properties(), "input.kafka.properties"),
                    KafkaProperties.parse(properties, "--property"));
        } catch (JobSpecException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        String what = file != null ? file + " (" + spec.input().type().name().toLowerCase(Locale.ROOT) + ")"
                : "the generator data of job '" + spec.job() + "'";
        System.out.println("Producing " + what + " to topic '" + target + "' on " + client.getProperty("bootstrap.servers"));
        FileProducer.Result result;
        try {
            result = FileProducer.produce(spec, target, client, new FileProducer.Options(partitions, limit, rate,
                    quiet ? null : System.out, System.console() != null));
        } catch (FormatException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (BrokerException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        if (holdout != null) {
            int n = FileProducer.writeHoldout(spec, holdout);
            System.out.println("wrote the " + n + " holdout examples to " + holdout);
        }
        System.out.printf(Locale.ROOT, "produced %,d messages (%,d invalid rows as raw text, %.1f MB of values) to '%s'"
                        + " in %.1f s: %,.0f messages/s%n", result.records(), result.invalid(), result.bytes() / 1e6,
                target, result.seconds(), result.recordsPerSecond());
        return 0;
    }

    /** The spec of the input: --spec (or a minimal one from --features) with FILE, --format and --set applied. */
    private JobSpec spec() throws JobSpecException {
        String base;
        if (specFile != null) {
            try {
                base = Files.readString(specFile);
            } catch (java.io.IOException e) {
                throw new JobSpecException("cannot read job spec '" + specFile + "': " + e.getMessage());
            }
        } else if (features != null) {
            base = "job: produce\nmodel:\n  type: softmax\n  features: " + features + "\n  classes: " + classes + "\n";
        } else {
            throw new JobSpecException("describe the input: give --spec JOB.yaml (the job that will read the topic)"
                    + " or --features N");
        }
        JobSpec plain = JobSpecLoader.parse(base, List.of());
        List<String> all = new ArrayList<>();
        if (file != null) {
            all.add("input.type=" + fileFormat(plain));
            all.add("input.path=" + file);
        } else {
            all.add("input.type=generator");
        }
        if (labels != null) {
            all.add("input.labelsPath=" + labels);
        }
        all.addAll(overrides);
        return JobSpecLoader.parse(base, all);
    }

    /** --format, else the spec's file type, else the file name's extension. */
    private String fileFormat(JobSpec plain) throws JobSpecException {
        if (format != null) {
            return format.toLowerCase(Locale.ROOT);
        }
        if (plain.input().isFile()) {
            return plain.input().type().name().toLowerCase(Locale.ROOT);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT).replaceFirst("\\.gz$", "");
        Map<String, String> byExtension = Map.of("jsonl", "jsonl", "json", "jsonl", "ndjson", "jsonl", "csv", "csv",
                "tsv", "csv", "svm", "libsvm", "libsvm", "libsvm", "svmlight", "libsvm");
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        if (byExtension.containsKey(extension)) {
            return byExtension.get(extension);
        }
        if (name.endsWith("-ubyte")) {
            return "idx";
        }
        throw new JobSpecException("cannot tell the format of '" + file.getFileName() + "' from its name;"
                + " give --format jsonl|csv|libsvm|idx");
    }
}
