package org.fedflink.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads, overrides, defaults and validates job specs; the keys are documented in
 * {@code docs/job-spec.md}.
 *
 * <p>Steps: the YAML is read into a tree with Jackson's YAML parser (duplicate keys, aliases and
 * multi-document files are rejected), the {@code --set} overrides are applied to the tree, the tree
 * is bound to the {@link JobSpec} records (unknown keys, wrong types, missing required keys and
 * out-of-range values are rejected, absent keys get their defaults), and finally the rules that
 * relate keys to each other are checked. The first problem found is reported as a
 * {@link JobSpecException} with a one-line message naming the dotted key, the value as written and
 * what is allowed.
 */
public final class JobSpecLoader {
    private static final SpecBinder BINDER = new SpecBinder(JobSpecKeys.FIELDS);

    private static final YAMLMapper WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private JobSpecLoader() {}

    /**
     * Loads a YAML job spec.
     *
     * @param file the YAML file (UTF-8)
     * @param overrides {@code key.path=value} strings from {@code --set}, applied in order; may be null
     * @throws JobSpecException with a one-line message naming the key, the value and what is allowed
     */
    public static JobSpec load(Path file, List<String> overrides) throws JobSpecException {
        Objects.requireNonNull(file, "file");
        String name = Messages.escape(file.toString());
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new JobSpecException("cannot read job spec '" + name + "': is a directory");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JobSpecException("cannot read job spec '" + name + "': no such file");
        } catch (AccessDeniedException e) {
            throw new JobSpecException("cannot read job spec '" + name + "': permission denied");
        } catch (CharacterCodingException e) {
            throw new JobSpecException("cannot read job spec '" + name + "': not UTF-8 text");
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : Messages.oneLine(e.getMessage());
            throw new JobSpecException("cannot read job spec '" + name + "': " + reason);
        }
        return parse(text, overrides, "job spec '" + name + "'");
    }

    /**
     * Loads a job spec from YAML text, with the same rules as {@link #load(Path, List)}. Messages about
     * the document as a whole name it {@code job spec} instead of {@code job spec 'file'}.
     */
    public static JobSpec parse(String yaml, List<String> overrides) throws JobSpecException {
        Objects.requireNonNull(yaml, "yaml");
        return parse(yaml, overrides, "job spec");
    }

    private static JobSpec parse(String yaml, List<String> overrides, String source) throws JobSpecException {
        if (yaml.startsWith("\uFEFF")) {
            yaml = yaml.substring(1);
        }
        SpecNode root = YamlReader.read(yaml, source);
        SpecNode.Section top;
        if (SpecNode.isAbsent(root)) {
            top = new SpecNode.Section();
        } else if (root instanceof SpecNode.Section section) {
            top = section;
        } else {
            throw new JobSpecException(
                    source + " must be a section (key: value pairs), got " + Messages.describe(root));
        }
        SpecNode tasks = top.entries().remove("tasks");
        List<List<String>> split = Tasks.split(overrides);
        Overrides.apply(top, split.get(0));
        if (SpecNode.isAbsent(tasks) || (tasks instanceof SpecNode.Sequence list && list.elements().isEmpty())) {
            Tasks.checkNoTaskOverrides(split.get(1));
            return bindOne(top);
        }
        return Tasks.bind(top, tasks, split.get(1), JobSpecLoader::bindOne);
    }

    private static JobSpec bindOne(SpecNode.Section tree) throws JobSpecException {
        return JobSpecRules.finish(BINDER.bind(JobSpec.class, tree, ""));
    }

    /**
     * Writes a job spec as YAML with every key present (enums in lower case, absent paths as
     * {@code null}); {@link #parse(String, List)} reads it back to an equal spec, except that the
     * values of secret Kafka client properties are written as {@value KafkaProperties#REDACTED}
     * (see {@link KafkaProperties#isSecret}). Meant for recording the effective spec of a run, which
     * must not hold a password.
     */
    public static String toYaml(JobSpec spec) {
        Objects.requireNonNull(spec, "spec");
        try {
            return WRITER.writeValueAsString(toTree(spec));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode toTree(JobSpec spec) {
        ObjectNode node = toTree((Record) spec);
        if (spec.isMultiTask()) {
            // Each task as its full sections: merged over the job's again, they give the same task.
            var tasks = node.putArray("tasks");
            for (JobSpec.Task task : spec.tasks()) {
                ObjectNode t = tasks.addObject();
                ObjectNode full = toTree((Record) task.spec());
                t.put("name", task.name());
                t.put("label", task.spec().input().fields().label());
                t.set("labelNames", full.get("input").get("labelNames"));
                for (String section : Tasks.SECTIONS) {
                    t.set(section, full.get(section));
                }
            }
        }
        return node;
    }

    private static ObjectNode toTree(Record record) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String name = component.getName();
            if (record instanceof JobSpec && name.equals("tasks")) {
                continue; // written by toTree(JobSpec)
            }
            if (value == null) {
                node.putNull(name);
            } else if (value instanceof Record nested) {
                node.set(name, toTree(nested));
            } else if (value instanceof Enum<?> constant) {
                node.put(name, Messages.yamlName(constant));
            } else if (value instanceof Integer i) {
                node.put(name, i);
            } else if (value instanceof Long l) {
                node.put(name, l);
            } else if (value instanceof Double d) {
                node.put(name, d);
            } else if (value instanceof Boolean b) {
                node.put(name, b);
            } else if (value instanceof List<?> list) {
                if (record instanceof JobSpec.KafkaInputSpec || record instanceof JobSpec.KafkaOutputSpec) {
                    // client properties: a job.yaml or preprocessing.json never holds a secret
                    list = KafkaProperties.redact(list.stream().map(Object::toString).toList());
                }
                var array = node.putArray(name);
                list.forEach(element -> {
                    if (element instanceof Integer i) {
                        array.add(i);
                    } else if (element instanceof Enum<?> constant) {
                        array.add(Messages.yamlName(constant));
                    } else {
                        array.add(element.toString());
                    }
                });
            } else if (value instanceof java.util.Map<?, ?> map) {
                ObjectNode entries = node.putObject(name);
                map.forEach((key, entry) -> entries.set(key.toString(), toTree((Record) entry)));
            } else {
                node.put(name, value.toString());
            }
        }
        return node;
    }
}
