package org.fedflink.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes example in deploy/ cannot run here, so it is checked for what can go stale: every
 * document parses, the FlinkDeployment's Flink version is the one the project builds against, the
 * entry class and jar are the project's, the job spec in the ConfigMap loads, and every path the
 * job writes or reads is on the shared volume.
 */
class DeployManifestTest {

    private static final Path DIR = Path.of("deploy/kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Every YAML document in deploy/kubernetes, by kind. */
    private static Map<String, JsonNode> documents() throws Exception {
        Map<String, JsonNode> byKind = new HashMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                for (JsonNode doc : docs.readAll()) {
                    assertThat(doc.path("apiVersion").asText()).as(file + " apiVersion").isNotEmpty();
                    assertThat(doc.path("metadata").path("name").asText()).as(file + " metadata.name").isNotEmpty();
                    assertThat(byKind.put(doc.path("kind").asText(), doc)).as("one " + doc.path("kind")).isNull();
                }
            }
        }
        return byKind;
    }

    private static String pomProperty(String name) throws Exception {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("pom.xml has " + name).isTrue();
        return m.group(1);
    }

    @Test
    void flinkDeployment_usesTheBuiltFlinkVersionRocksDbIncrementalCheckpointsAndKubernetesHa() throws Exception {
        JsonNode deployment = documents().get("FlinkDeployment");
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        String[] version = pomProperty("flink.version").split("\\.");
        assertThat(deployment.path("spec").path("flinkVersion").asText()).isEqualTo("v" + version[0] + "_" + version[1]);
        JsonNode conf = deployment.path("spec").path("flinkConfiguration");
        assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
        assertThat(conf.path("execution.checkpointing.incremental").asText()).isEqualTo("true");
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(deployment.path("spec").path("job").path("upgradeMode").asText()).isEqualTo("last-state");
        // the keys the local runs set and the job relies on
        assertThat(conf.path("pipeline.generic-types").asText()).isEqualTo("false");
        assertThat(conf.path("pipeline.auto-generate-uids").asText()).isEqualTo("false");
    }

    @Test
    void everyPathTheJobUses_isOnTheSharedVolume() throws Exception {
        Map<String, JsonNode> docs = documents();
        JsonNode spec = docs.get("FlinkDeployment").path("spec");
        String claim = docs.get("PersistentVolumeClaim").path("metadata").path("name").asText();
        assertThat(docs.get("PersistentVolumeClaim").path("spec").path("accessModes").toString()).contains("ReadWriteMany");
        Map<String, String> mountOfVolume = new HashMap<>();
        for (JsonNode m : spec.path("podTemplate").path("spec").path("containers").get(0).path("volumeMounts")) {
            mountOfVolume.put(m.path("name").asText(), m.path("mountPath").asText());
        }
        String shared = null;
        for (JsonNode v : spec.path("podTemplate").path("spec").path("volumes")) {
            if (v.path("persistentVolumeClaim").path("claimName").asText().equals(claim)) {
                shared = mountOfVolume.get(v.path("name").asText());
            }
        }
        assertThat(shared).as("the PVC is mounted").isNotNull();
        List<String> paths = new ArrayList<>();
        JsonNode conf = spec.path("flinkConfiguration");
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                "high-availability.storageDir")) {
            paths.add(conf.path(key).asText().replaceFirst("^file://", ""));
        }
        List<String> args = new ArrayList<>();
        spec.path("job").path("args").forEach(a -> args.add(a.asText()));
        paths.add(args.get(args.indexOf("--out") + 1));
        JobSpec job = jobSpec(docs, mountOfVolume, args);
        paths.add(job.input().path());
        paths.add(job.input().labelsPath());
        paths.add(job.evaluation().holdoutPath());
        paths.add(job.evaluation().holdoutLabelsPath());
        paths.add(job.checkpoint().dir().replaceFirst("^file://", ""));
        for (String path : paths) {
            assertThat(path).startsWith(shared + "/");
        }
    }

    /** The job spec the deployment passes with --spec: a key of the mounted ConfigMap, loaded and validated. */
    private static JobSpec jobSpec(Map<String, JsonNode> docs, Map<String, String> mountOfVolume, List<String> args)
            throws Exception {
        JsonNode configMap = docs.get("ConfigMap");
        String mount = null;
        for (JsonNode v : docs.get("FlinkDeployment").path("spec").path("podTemplate").path("spec").path("volumes")) {
            if (v.path("configMap").path("name").asText().equals(configMap.path("metadata").path("name").asText())) {
                mount = mountOfVolume.get(v.path("name").asText());
            }
        }
        assertThat(mount).as("the job spec ConfigMap is mounted").isNotNull();
        String specPath = args.get(args.indexOf("--spec") + 1);
        assertThat(specPath).startsWith(mount + "/");
        String key = specPath.substring(mount.length() + 1);
        String yaml = configMap.path("data").path(key).asText(null);
        assertThat(yaml).as("ConfigMap key " + key).isNotNull();
        return JobSpecLoader.parse(yaml, List.of());
    }

    @Test
    void entryClassAndJar_areTheProjects() throws Exception {
        JsonNode job = documents().get("FlinkDeployment").path("spec").path("job");
        Class<?> entry = Class.forName(job.path("entryClass").asText());
        assertThat(entry.getMethod("main", String[].class)).isNotNull();
        String jar = job.path("jarURI").asText();
        assertThat(jar).startsWith("local:///opt/flink/usrlib/");
        String dockerfile = Files.readString(DIR.resolve("Dockerfile"));
        String jarName = jar.substring(jar.lastIndexOf('/') + 1);
        assertThat(dockerfile).containsPattern("(?m)^COPY target/" + Pattern.quote(jarName) + " /opt/flink/usrlib/"
                + Pattern.quote(jarName) + "$");
        assertThat(Files.readString(Path.of("pom.xml"))).contains(jarName.replace(".jar", ""));
    }
}
