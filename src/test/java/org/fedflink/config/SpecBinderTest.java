package org.fedflink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecBinderTest {

    record Flags(boolean verbose, Nested nested) {}

    record Nested(boolean dryRun) {}

    private static final SpecBinder FLAGS = new SpecBinder(Map.of(
            "verbose", SpecBinder.Field.optional(false),
            "nested.dryRun", SpecBinder.Field.optional(true)));

    private static Flags bind(String yaml) throws JobSpecException {
        return FLAGS.bind(Flags.class, YamlReader.read(yaml, "test"), "");
    }

    @Test
    void bind_booleans_acceptYamlSpellings() throws JobSpecException {
        assertThat(bind("verbose: true\nnested:\n  dryRun: off\n")).isEqualTo(new Flags(true, new Nested(false)));
        assertThat(bind("verbose: yes\n")).isEqualTo(new Flags(true, new Nested(true)));
        assertThat(bind("verbose: 'FALSE'\n")).isEqualTo(new Flags(false, new Nested(true)));
        assertThat(bind("{}")).isEqualTo(new Flags(false, new Nested(true)));
    }

    @Test
    void bind_nonBoolean_saysTrueOrFalse() {
        assertThatThrownBy(() -> bind("nested:\n  dryRun: maybe\n"))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("key 'nested.dryRun' must be true or false, got 'maybe'");
        assertThatThrownBy(() -> bind("verbose: 1\n"))
                .hasMessage("key 'verbose' must be true or false, got 1");
    }

    @Test
    void bind_unknownKeyInTestRecord_listsItsComponents() {
        assertThatThrownBy(() -> bind("nested:\n  dry_run: true\n"))
                .hasMessage("unknown key 'nested.dry_run' (allowed in nested: dryRun)");
    }

    @Test
    void rules_coverExactlyTheJobSpecKeys() {
        // the keys of a named entry (evaluation.holdouts.NAME.path) have their rules under NAME = *
        List<String> entryRules = JobSpecKeys.FIELDS.keySet().stream().filter(k -> k.contains(".*.")).toList();
        assertThat(JobSpecKeys.FIELDS.keySet().stream().filter(k -> !k.contains(".*.")))
                .containsExactlyInAnyOrderElementsOf(JobSpecDocsTest.leafKeys());
        assertThat(entryRules).isNotEmpty().allSatisfy(rule ->
                assertThat(JobSpecDocsTest.leafKeys()).contains(rule.substring(0, rule.indexOf(".*."))));
    }

    @Test
    void readScalar_resolvesYamlTypes() {
        assertThat(YamlReader.readScalar("50").kind()).isEqualTo(SpecNode.Kind.INTEGER);
        assertThat(YamlReader.readScalar("1e-3").kind()).isEqualTo(SpecNode.Kind.FLOAT);
        assertThat(YamlReader.readScalar("true").kind()).isEqualTo(SpecNode.Kind.BOOLEAN);
        assertThat(YamlReader.readScalar("~").kind()).isEqualTo(SpecNode.Kind.NULL);
        assertThat(YamlReader.readScalar("").kind()).isEqualTo(SpecNode.Kind.NULL);
        assertThat(YamlReader.readScalar("'50'")).isEqualTo(SpecNode.Scalar.string("50"));
        assertThat(YamlReader.readScalar("/tmp/a b.jsonl")).isEqualTo(SpecNode.Scalar.string("/tmp/a b.jsonl"));
        assertThat(YamlReader.readScalar("a: b")).isEqualTo(SpecNode.Scalar.string("a: b"));
        assertThat(YamlReader.readScalar("[1, 2")).isEqualTo(SpecNode.Scalar.string("[1, 2"));
        assertThat(YamlReader.readScalar("#1")).isEqualTo(SpecNode.Scalar.string("#1"));
    }

    @Test
    void parseDouble_acceptsYamlFloatsOnly() {
        assertThat(YamlReader.parseDouble("1_000.5")).isEqualTo(1000.5);
        assertThat(YamlReader.parseDouble(".5")).isEqualTo(0.5);
        assertThat(YamlReader.parseDouble("-.inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(YamlReader.parseDouble(".NaN")).isNaN();
        assertThat(YamlReader.parseDouble("NaN")).isNull();
        assertThat(YamlReader.parseDouble("0x10")).isNull();
        assertThat(YamlReader.parseDouble("1f")).isNull();
        assertThat(YamlReader.parseDouble("")).isNull();
        assertThat(YamlReader.parseDouble(".")).isNull();
    }
}
