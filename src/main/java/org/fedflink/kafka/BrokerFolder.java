package org.fedflink.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.fedflink.cluster.LocalProcesses;
import org.fedflink.io.FileTrees;

/**
 * Readies a broker's folder for a start: {@code conf/} written from the project's templates in
 * {@code flink-conf/kafka/} with this start's ports and folders, fresh log files, and on the first
 * start the KRaft storage formatted (the broker refuses an unformatted {@code log.dirs}).
 */
final class BrokerFolder {

    static final String CONF = "flink-conf/kafka";
    static final String STORAGE_TOOL = "kafka.tools.StorageTool";

    private final Path home;
    private final LocalKafka.Layout layout;
    private final PrintStream console;

    /** @param console where progress lines go (may be null) */
    BrokerFolder(Path home, LocalKafka.Layout layout, PrintStream console) {
        this.home = home;
        this.layout = layout;
        this.console = console;
    }

    /**
     * Creates the folders, records the layout, writes {@code conf/} and rotates the logs.
     *
     * @return whether the storage is formatted already (an earlier start did it)
     */
    boolean prepare() throws BrokerException {
        try {
            Files.createDirectories(layout.confDir());
            Files.createDirectories(layout.dir().resolve("logs"));
            Files.createDirectories(layout.dir().resolve("pids"));
            layout.save();
            writeServerProperties();
            Files.copy(home.resolve(CONF).resolve("log4j2.properties"), layout.confDir().resolve("log4j2.properties"),
                    StandardCopyOption.REPLACE_EXISTING);
            boolean formatted = Files.exists(layout.dataDir().resolve("meta.properties"));
            FileTrees.rotate(layout.logFile());
            FileTrees.rotate(layout.outFile());
            return formatted;
        } catch (IOException e) {
            throw new BrokerException("cannot prepare " + layout.dir() + ": " + e.getMessage());
        }
    }

    /** {@code conf/server.properties}: the project's template plus this start's node, listeners and folders. */
    private void writeServerProperties() throws IOException {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(home.resolve(CONF).resolve("server.properties"), StandardCharsets.UTF_8)) {
            props.load(in);
        }
        Map<String, String> set = new LinkedHashMap<>();
        set.put("node.id", "1");
        set.put("controller.quorum.voters", "1@127.0.0.1:" + layout.controllerPort());
        set.put("listeners", "PLAINTEXT://127.0.0.1:" + layout.port() + ",CONTROLLER://127.0.0.1:"
                + layout.controllerPort());
        set.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + layout.port());
        set.put("log.dirs", layout.dataDir().toString());
        set.forEach(props::setProperty);
        StringBuilder text = new StringBuilder(
                "# Written by bin/fedflink kafka start from flink-conf/kafka/server.properties (edit that one).\n");
        new TreeMap<>(props).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(layout.confDir().resolve("server.properties"), text, StandardCharsets.UTF_8);
    }

    /** Formats the KRaft storage of a new data folder with a fresh cluster id. */
    void format(String classpath) throws BrokerException {
        if (console != null) {
            console.println("  formatting " + layout.dataDir());
        }
        List<String> cmd = new ArrayList<>(List.of(LocalProcesses.java(), "-Xmx256m",
                "-Dkafka.logs.dir=" + layout.dir().resolve("logs"),
                "-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j2.properties").toUri(),
                "-cp", classpath, STORAGE_TOOL, "format", "-t", Uuid.randomUuid().toString(),
                "-c", layout.confDir().resolve("server.properties").toString()));
        Path log = layout.dir().resolve("logs").resolve("format.out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new BrokerException("formatting the broker's storage failed; see " + log);
            }
        } catch (IOException e) {
            throw new BrokerException("cannot run kafka's StorageTool: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted while formatting the broker's storage");
        }
    }
}
