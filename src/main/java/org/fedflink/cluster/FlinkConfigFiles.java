package org.fedflink.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Flink configuration of a cluster folder, {@code conf/config.yaml} and
 * {@code conf/log4j.properties}: the project's files in {@code flink-conf/cluster/} (the ones a
 * person edits) plus the keys that depend on this start's layout.
 */
final class FlinkConfigFiles {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private FlinkConfigFiles() {}

    /** Writes both files into the layout's {@code conf/}, replacing those of an earlier start. */
    static void write(Path home, ClusterLayout layout) throws IOException {
        Path base = home.resolve("flink-conf/cluster");
        Files.copy(base.resolve("log4j.properties"), layout.confDir().resolve("log4j.properties"),
                StandardCopyOption.REPLACE_EXISTING);
        writeConfig(base.resolve("config.yaml"), layout);
    }

    /**
     * Writes {@code conf/config.yaml}: the project's cluster configuration, flattened to dotted keys
     * (Flink's YAML reader accepts both forms), with the keys that depend on this start.
     */
    private static void writeConfig(Path base, ClusterLayout layout) throws IOException {
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        JsonNode tree = YAML.readTree(base.toFile());
        if (tree != null) {
            flatten("", tree, flat);
        }
        Map<String, String> set = new LinkedHashMap<>();
        set.put("rest.port", String.valueOf(layout.restPort()));
        set.put("jobmanager.rpc.port", String.valueOf(layout.rpcPort()));
        set.put("taskmanager.numberOfTaskSlots", String.valueOf(layout.slots()));
        set.put("execution.checkpointing.dir", layout.dir().resolve("checkpoints").toUri().toString());
        set.put("execution.checkpointing.savepoint-dir", layout.dir().resolve("savepoints").toUri().toString());
        if (layout.ha()) {
            set.putAll(HighAvailability.flinkConfig(layout));
        }
        set.forEach((k, v) -> flat.put(k, TextNode.valueOf(v)));
        ObjectNode out = YAML.createObjectNode();
        flat.forEach(out::set);
        String header = "# Written by bin/fedflink cluster start from flink-conf/cluster/config.yaml (edit that one).\n";
        Files.writeString(layout.confDir().resolve("config.yaml"), header + YAML.writeValueAsString(out),
                StandardCharsets.UTF_8);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> into) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
            }
        } else {
            into.put(prefix, node);
        }
    }
}
