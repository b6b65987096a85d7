package org.fedflink.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds a {@link SpecNode} tree to records. The records define the keys: each record component is
 * a key of the same name, a record-typed component is a nested section. Per-key defaults and
 * allowed ranges come from a table of {@link Field}s keyed by dotted path; {@link ValueBinder} turns
 * each key's node into its value. Every problem becomes a one-line {@link JobSpecException}.
 *
 * <p>Supported component types: nested records, {@code int}, {@code long}, {@code double},
 * {@code boolean}, {@link String}, {@code List<Integer>}, {@code List<String>} and enums (written in lower case in YAML, matched ignoring case).
 * {@link Integer} and {@link Double} are the optional forms of {@code int} and {@code double}: their
 * default may be {@code null} ("not set", resolved by whoever reads the key).
 */
final class SpecBinder {

    /** How a key is defaulted and checked. A null default means "no value" (only for {@code String}). */
    record Field(boolean mandatory, Object defaultValue, Constraint constraint) {
        static Field required(Constraint constraint) {
            return new Field(true, null, constraint);
        }

        static Field required() {
            return new Field(true, null, null);
        }

        static Field optional(Object defaultValue, Constraint constraint) {
            return new Field(false, defaultValue, constraint);
        }

        static Field optional(Object defaultValue) {
            return new Field(false, defaultValue, null);
        }
    }

    /** What values a key allows beyond its type. */
    sealed interface Constraint permits IntRange, DoubleRange, Text {}

    /** An inclusive integer range; the component's type bounds it further. */
    record IntRange(long min, long max) implements Constraint {}

    /** A condition on a finite number, described as e.g. {@code > 0} or {@code in [0, 1)}. */
    record DoubleRange(String requirement, DoublePredicate test) implements Constraint {}

    /** A pattern a string must match, described as e.g. {@code a non-empty path}. */
    record Text(Pattern pattern, String requirement) implements Constraint {}

    static IntRange atLeast(long min) {
        return new IntRange(min, Long.MAX_VALUE);
    }

    static IntRange between(long min, long max) {
        return new IntRange(min, max);
    }

    static DoubleRange greaterThan(double min) {
        return new DoubleRange("> " + plain(min), v -> v > min);
    }

    static DoubleRange atLeast(double min) {
        return new DoubleRange(">= " + plain(min), v -> v >= min);
    }

    /** {@code [min, max]}. */
    static DoubleRange closed(double min, double max) {
        return new DoubleRange("in [" + plain(min) + ", " + plain(max) + "]", v -> v >= min && v <= max);
    }

    /** {@code (min, max)}. */
    static DoubleRange open(double min, double max) {
        return new DoubleRange("in (" + plain(min) + ", " + plain(max) + ")", v -> v > min && v < max);
    }

    /** {@code (min, max]}. */
    static DoubleRange leftOpen(double min, double max) {
        return new DoubleRange("in (" + plain(min) + ", " + plain(max) + "]", v -> v > min && v <= max);
    }

    /** {@code [min, max)}. */
    static DoubleRange halfOpen(double min, double max) {
        return new DoubleRange("in [" + plain(min) + ", " + plain(max) + ")", v -> v >= min && v < max);
    }

    static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private final Map<String, Field> fields;

    SpecBinder(Map<String, Field> fields) {
        this.fields = Map.copyOf(fields);
    }

    /**
     * Binds a section.
     *
     * @param node a {@link SpecNode.Section}, or null / YAML null for "all defaults"
     * @param prefix the dotted path of the section, empty at top level
     */
    <R extends Record> R bind(Class<R> type, SpecNode node, String prefix) throws JobSpecException {
        return bind(type, node, prefix, prefix);
    }

    /**
     * Binds a section whose keys' rules are under {@code rulePrefix}, which differs from the
     * section's own path for a named entry ({@code evaluation.holdouts.late} has the rules of
     * {@code evaluation.holdouts.*}).
     */
    private <R extends Record> R bind(Class<R> type, SpecNode node, String prefix, String rulePrefix)
            throws JobSpecException {
        Map<String, SpecNode> entries = node instanceof SpecNode.Section section ? section.entries() : Map.of();
        RecordComponent[] components = type.getRecordComponents();
        Set<String> names = Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.toSet());
        for (String key : entries.keySet()) {
            if (!names.contains(key)) {
                throw Messages.unknownKey(prefix, key, type);
            }
        }
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            args[i] = bindValue(components[i], entries.get(name), Messages.child(prefix, name),
                    Messages.child(rulePrefix, name));
        }
        return construct(type, components, args);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object bindValue(RecordComponent component, SpecNode node, String path, String rulePath)
            throws JobSpecException {
        Class<?> type = component.getType();
        if (type.isRecord()) {
            if (!SpecNode.isAbsent(node) && !(node instanceof SpecNode.Section)) {
                throw Messages.mustBe(path, "a section (key: value pairs)", Messages.describe(node));
            }
            return bind((Class<? extends Record>) type, node, path, rulePath);
        }
        Field field = fields.get(rulePath);
        if (field == null) {
            throw new IllegalStateException("no rule for job spec key " + rulePath);
        }
        if (SpecNode.isAbsent(node)) {
            if (field.mandatory()) {
                throw Messages.missing(path);
            }
            return defaultValue(type, field, path);
        }
        if (type == int.class || type == long.class || type == Integer.class) {
            return ValueBinder.bindInteger(type == Integer.class ? int.class : type, node, path, field.constraint());
        }
        if (type == double.class || type == Double.class) {
            return ValueBinder.bindDouble(node, path, field.constraint());
        }
        if (type == boolean.class) {
            return ValueBinder.bindBoolean(node, path);
        }
        if (type == String.class) {
            return ValueBinder.bindString(node, path, field.constraint());
        }
        if (type.isEnum()) {
            return ValueBinder.bindEnum((Class<? extends Enum>) type, node, path);
        }
        if (type == List.class) {
            Class<?> element = elementType(component, 0);
            if (element.isEnum()) {
                return ValueBinder.bindEnumList((Class<? extends Enum>) element, node, path);
            }
            return element == String.class
                    ? ValueBinder.bindStringList(node, path, field.constraint())
                    : ValueBinder.bindIntegerList(node, path, field.constraint());
        }
        if (type == Map.class) {
            return bindRecordMap((Class<? extends Record>) elementType(component, 1), node, path, field.constraint());
        }
        throw new IllegalStateException("unsupported type " + type + " of job spec key " + path);
    }

    /** The {@code index}-th type argument of a {@code List<E>} or {@code Map<String, V>} component. */
    private static Class<?> elementType(RecordComponent component, int index) {
        if (component.getGenericType() instanceof ParameterizedType generic
                && generic.getActualTypeArguments()[index] instanceof Class<?> element) {
            return element;
        }
        throw new IllegalStateException("unsupported type " + component.getGenericType() + " of " + component);
    }

    /**
     * Named sections, {@code name: value} in the order written: each value is a section of
     * {@code type}'s keys, or a scalar that is its first key (a holdout written as its path). The
     * rules of the entries' keys are those of {@code path.*.key}; the names must satisfy the map's
     * constraint.
     */
    private <R extends Record> Map<String, R> bindRecordMap(
            Class<R> type, SpecNode node, String path, Constraint nameConstraint) throws JobSpecException {
        if (!(node instanceof SpecNode.Section section)) {
            throw Messages.mustBe(path, "a section of named entries (name: value)", Messages.describe(node));
        }
        Map<String, R> values = new LinkedHashMap<>();
        for (Map.Entry<String, SpecNode> entry : section.entries().entrySet()) {
            String name = entry.getKey();
            String entryPath = Messages.child(path, name);
            if (nameConstraint instanceof Text text && !text.pattern().matcher(name).matches()) {
                throw new JobSpecException("key " + Messages.key(entryPath) + " has an invalid name: it must be "
                        + text.requirement());
            }
            SpecNode value = entry.getValue();
            if (value instanceof SpecNode.Scalar scalar && scalar.kind() != SpecNode.Kind.NULL) {
                SpecNode.Section single = new SpecNode.Section();
                single.entries().put(type.getRecordComponents()[0].getName(), scalar);
                value = single;
            }
            if (!(value instanceof SpecNode.Section)) {
                throw Messages.mustBe(entryPath, "a " + type.getRecordComponents()[0].getName()
                        + " or a section", Messages.describe(value));
            }
            values.put(name, bind(type, value, entryPath, Messages.child(path, "*")));
        }
        return values;
    }

    private static Object defaultValue(Class<?> type, Field field, String path) {
        Object value = field.defaultValue();
        if (value == null) {
            if (type.isPrimitive()) {
                throw new IllegalStateException("no default for job spec key " + path);
            }
            return null;
        }
        if (type == int.class) {
            return ((Number) value).intValue();
        }
        if (type == long.class) {
            return ((Number) value).longValue();
        }
        if (type == double.class) {
            return ((Number) value).doubleValue();
        }
        return value;
    }

    private static <R extends Record> R construct(Class<R> type, RecordComponent[] components, Object[] args) {
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(types);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot construct " + type.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }
}
