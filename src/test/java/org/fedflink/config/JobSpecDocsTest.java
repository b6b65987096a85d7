package org.fedflink.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps docs/job-spec.md in step with the records and the defaults. */
class JobSpecDocsTest {
    private static final Path DOCS = Path.of("docs/job-spec.md");

    /** Every leaf key of the spec as a dotted path, in record order. */
    static List<String> leafKeys() {
        List<String> keys = new ArrayList<>();
        collect(JobSpec.class, "", keys);
        return keys;
    }

    private static void collect(Class<?> record, String prefix, List<String> keys) {
        for (RecordComponent component : record.getRecordComponents()) {
            String path = Messages.child(prefix, component.getName());
            if (component.getType().isRecord()) {
                collect(component.getType(), path, keys);
            } else {
                keys.add(path);
            }
        }
    }

    /** Table rows of the docs: dotted key to its cells (key, type, default, allowed, meaning). */
    private static Map<String, List<String>> rows() throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| `([A-Za-z0-9.]+)` \\|(.*)\\|$");
        for (String line : Files.readAllLines(DOCS)) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                List<String> cells = new ArrayList<>(List.of(m.group(1)));
                for (String cell : m.group(2).split(" \\| ")) {
                    cells.add(cell.strip());
                }
                assertThat(rows.put(m.group(1), cells)).as("documented twice: " + m.group(1)).isNull();
            }
        }
        return rows;
    }

    private static List<String> yamlBlocks() throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOCS));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void docs_everyRecordComponent_isDocumented() throws IOException {
        String docs = Files.readString(DOCS);
        List<String> sections = new ArrayList<>();
        collectSections(JobSpec.class, "", sections);

        for (String key : leafKeys()) {
            assertThat(docs).as("docs/job-spec.md documents " + key).contains("| `" + key + "` |");
        }
        for (String section : sections) {
            assertThat(docs).as("docs/job-spec.md has a heading for " + section).contains("## `" + section + "`");
        }
    }

    private static void collectSections(Class<?> record, String prefix, List<String> sections) {
        for (RecordComponent component : record.getRecordComponents()) {
            if (component.getType().isRecord()) {
                String path = Messages.child(prefix, component.getName());
                sections.add(path);
                collectSections(component.getType(), path, sections);
            }
        }
    }

    @Test
    void docs_tables_documentOnlyRealKeys() throws IOException {
        assertThat(rows().keySet()).containsExactlyInAnyOrderElementsOf(leafKeys());
    }

    @Test
    void docs_defaultColumn_matchesTheLoader() throws Exception {
        Map<String, List<String>> rows = rows();
        for (String key : leafKeys()) {
            String documented = rows.get(key).get(2);
            SpecBinder.Field field = JobSpecKeys.FIELDS.get(key);
            if (field.mandatory()) {
                assertThat(documented).as(key).isEqualTo("required");
                continue;
            }
            assertThat(documented).as(key).matches("`[^`]+`");
            String value = documented.substring(1, documented.length() - 1);
            Object expected = field.defaultValue();
            if (expected == null) {
                assertThat(value).as(key).isEqualTo("null");
            } else if (expected instanceof Enum<?> constant) {
                assertThat(value).as(key).isEqualTo(Messages.yamlName(constant));
            } else if (expected instanceof String || expected instanceof Boolean) {
                assertThat(value).as(key).isEqualTo(expected.toString());
            } else if (expected instanceof List<?> list) {
                assertThat(value).as(key).isEqualTo(list.toString().replace(" ", ""));
            } else if (expected instanceof Map<?, ?> map) {
                assertThat(map).as(key).isEmpty();
                assertThat(value).as(key).isEqualTo("{}");
            } else {
                assertThat(Double.parseDouble(value)).as(key).isEqualTo(((Number) expected).doubleValue());
            }
        }
    }

    @Test
    void docs_yamlExamples_loadWithoutErrors() throws Exception {
        List<String> blocks = yamlBlocks();
        assertThat(blocks).hasSize(3); // minimal, full, several tasks
        for (String yaml : blocks) {
            JobSpecLoader.parse(yaml, List.of());
        }
    }

    @Test
    void docs_fullExample_setsEveryKeyToItsDefault() throws Exception {
        String full = yamlBlocks().get(1);
        String minimal = yamlBlocks().get(0);

        for (String key : leafKeys()) {
            String leaf = key.substring(key.lastIndexOf('.') + 1);
            assertThat(full).as("full example sets " + key).containsPattern("(?m)^ *" + leaf + ":");
        }
        JobSpec fullSpec = JobSpecLoader.parse(full, List.of());
        JobSpec minimalSpec = JobSpecLoader.parse(minimal, List.of("job=" + fullSpec.job()));
        assertThat(fullSpec).isEqualTo(minimalSpec);
    }

    @Test
    void docs_quickstartJob_isDocumentedAndLoads() throws Exception {
        assertThat(JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), null).job()).isEqualTo("quickstart");
    }
}
