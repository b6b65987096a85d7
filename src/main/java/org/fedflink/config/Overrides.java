package org.fedflink.config;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies {@code --set key.path=value} overrides to a job spec tree before it is bound, so that
 * overridden values go through exactly the same checks as values in the file. Keys are checked
 * against the {@link JobSpec} records as they are walked.
 */
final class Overrides {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*");

    private Overrides() {}

    /** Applies the overrides to {@code root} in order (a later one wins). */
    static void apply(SpecNode.Section root, List<String> overrides) throws JobSpecException {
        if (overrides == null) {
            return;
        }
        for (String override : overrides) {
            apply(root, override);
        }
    }

    private static void apply(SpecNode.Section root, String override) throws JobSpecException {
        int eq = override == null ? -1 : override.indexOf('=');
        String key = eq < 0 ? "" : override.substring(0, eq).strip();
        if (!KEY.matcher(key).matches()) {
            throw new JobSpecException(
                    "--set '" + Messages.clean(String.valueOf(override)) + "' must look like key.path=value");
        }
        String[] segments = key.split("\\.");
        Class<?> type = JobSpec.class;
        SpecNode.Section section = root;
        String prefix = "";
        for (int i = 0; i < segments.length; i++) {
            String name = segments[i];
            @SuppressWarnings("unchecked")
            Class<? extends Record> record = (Class<? extends Record>) type;
            RecordComponent component = component(record, name);
            if (component == null) {
                throw Messages.unknownKey(prefix, name, record);
            }
            String path = Messages.child(prefix, name);
            if (i == segments.length - 1) {
                section.entries().put(name, YamlReader.readScalar(override.substring(eq + 1)));
                return;
            }
            if (component.getType() == java.util.Map.class) {
                // named entries: the next segment is an entry's name, then maybe one of its keys
                SpecNode.Section entries = childSection(section, name, path);
                String entry = segments[i + 1];
                SpecNode value = YamlReader.readScalar(override.substring(eq + 1));
                if (i + 1 == segments.length - 1) {
                    entries.entries().put(entry, value);
                    return;
                }
                Class<?> entryType = (Class<?>) ((java.lang.reflect.ParameterizedType) component.getGenericType())
                        .getActualTypeArguments()[1];
                SpecNode existing = entries.entries().get(entry);
                if (existing instanceof SpecNode.Scalar scalar && scalar.kind() != SpecNode.Kind.NULL) {
                    // an entry written as its first key alone (a holdout as its path)
                    SpecNode.Section expanded = new SpecNode.Section();
                    expanded.entries().put(entryType.getRecordComponents()[0].getName(), scalar);
                    entries.entries().put(entry, expanded);
                }
                section = childSection(entries, entry, Messages.child(path, entry));
                type = entryType;
                prefix = Messages.child(path, entry);
                i++;
                continue;
            }
            if (!component.getType().isRecord()) {
                throw new JobSpecException("--set '" + Messages.clean(override) + "': key " + Messages.key(path)
                        + " is a single value, not a section, so it has no key '" + segments[i + 1] + "'");
            }
            section = childSection(section, name, path);
            type = component.getType();
            prefix = path;
        }
    }

    /** The section under {@code name}, made when absent. */
    private static SpecNode.Section childSection(SpecNode.Section section, String name, String path)
            throws JobSpecException {
        SpecNode child = section.entries().get(name);
        if (SpecNode.isAbsent(child)) {
            child = new SpecNode.Section();
            section.entries().put(name, child);
        } else if (!(child instanceof SpecNode.Section)) {
            throw Messages.mustBe(path, "a section (key: value pairs)", Messages.describe(child));
        }
        return (SpecNode.Section) child;
    }

    private static RecordComponent component(Class<? extends Record> type, String name) {
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getName().equals(name)) {
                return component;
            }
        }
        return null;
    }
}
