package org.fedflink.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds a {@link SpecNode} tree to records. The records define the keys: each record component is
 * a key of the same name, a record-typed component is a nested section. Per-key defaults and
 * allowed ranges come from a table of {@link Field}s keyed by dotted path. Every problem becomes a
 * one-line {@link JobSpecException}.
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
            return bindInteger(type == Integer.class ? int.class : type, node, path, field.constraint());
        }
        if (type == double.class || type == Double.class) {
            return bindDouble(node, path, field.constraint());
        }
        if (type == boolean.class) {
            return bindBoolean(node, path);
        }
        if (type == String.class) {
            return bindString(node, path, field.constraint());
        }
        if (type.isEnum()) {
            return bindEnum((Class<? extends Enum>) type, node, path);
        }
        if (type == List.class) {
            Class<?> element = elementType(component, 0);
            if (element.isEnum()) {
                return bindEnumList((Class<? extends Enum>) element, node, path);
            }
            return element == String.class
                    ? bindStringList(node, path, field.constraint())
                    : bindIntegerList(node, path, field.constraint());
        }
        if (type == Map.class) {
            return bindRecordMap((Class<? extends Record>) elementType(component, 1), node, path, field.constraint());
        }
        throw new IllegalStateException("unsupported type " + type + " of job spec key " + path);
    }

    /**
     * A list of integers: a YAML list ({@code [256, 128]}), one integer ({@code 128}), or a string of
     * comma-separated integers ({@code "256,128"}, what {@code --set key=256,128} gives). Each element
     * must satisfy the key's constraint.
     */
    private static List<Integer> bindIntegerList(SpecNode node, String path, Constraint constraint)
            throws JobSpecException {
        List<SpecNode> elements;
        if (node instanceof SpecNode.Sequence sequence) {
            elements = sequence.elements();
        } else if (node instanceof SpecNode.Scalar scalar && scalar.kind() == SpecNode.Kind.STRING
                && scalar.text().contains(",")) {
            elements = new ArrayList<>();
            for (String part : scalar.text().split(",", -1)) {
                elements.add(YamlReader.readScalar(part.strip()));
            }
        } else {
            elements = List.of(node);
        }
        List<Integer> values = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            SpecNode element = elements.get(i);
            if (SpecNode.isAbsent(element)) {
                throw Messages.mustBe(path, "a list of integers", Messages.describe(node));
            }
            values.add((Integer) bindInteger(int.class, element, path + "[" + i + "]", constraint));
        }
        return List.copyOf(values);
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
     * The elements of a list key: a YAML list, or one string of comma-separated elements (what
     * {@code --set key=a,b} gives, and a single element written bare).
     */
    private static List<SpecNode> listElements(SpecNode node, String path, String what) throws JobSpecException {
        if (node instanceof SpecNode.Sequence sequence) {
            return sequence.elements();
        }
        if (!(node instanceof SpecNode.Scalar scalar)) {
            throw Messages.mustBe(path, what, Messages.describe(node));
        }
        List<SpecNode> elements = new ArrayList<>();
        for (String part : scalar.text().split(",", -1)) {
            elements.add(SpecNode.Scalar.string(part.strip()));
        }
        return elements;
    }

    /**
     * A list of enum constants: a YAML list ({@code [centralized, local]}), one constant
     * ({@code centralized}), or one string of comma-separated constants ({@code "centralized,local"},
     * what {@code --set key=centralized,local} gives).
     */
    private static <E extends Enum<E>> List<E> bindEnumList(Class<E> type, SpecNode node, String path)
            throws JobSpecException {
        List<SpecNode> elements = listElements(node, path, "a list of " + Messages.oneOf(type).replace("one of: ", ""));
        List<E> values = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            values.add(bindEnum(type, elements.get(i), path + "[" + i + "]"));
        }
        return List.copyOf(values);
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

    /**
     * A list of strings: a YAML list ({@code [cat, dog]}), or one string of comma-separated names
     * ({@code "cat,dog"}, what {@code --set key=cat,dog} gives). Each element must satisfy the key's
     * constraint.
     */
    private static List<String> bindStringList(SpecNode node, String path, Constraint constraint)
            throws JobSpecException {
        List<SpecNode> elements = listElements(node, path, "a list of strings");
        List<String> values = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            SpecNode element = elements.get(i);
            if (SpecNode.isAbsent(element)) {
                throw Messages.mustBe(path, "a list of strings", Messages.describe(node));
            }
            values.add(bindString(element, path + "[" + i + "]", constraint));
        }
        return List.copyOf(values);
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

    private static Object bindInteger(Class<?> type, SpecNode node, String path, Constraint constraint)
            throws JobSpecException {
        BigInteger value = integerValue(node);
        if (value == null) {
            throw Messages.mustBe(path, "an integer", Messages.describe(node));
        }
        long typeMin = type == int.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long typeMax = type == int.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
        IntRange range = constraint instanceof IntRange r ? r : new IntRange(typeMin, typeMax);
        long min = Math.max(range.min(), typeMin);
        long max = Math.min(range.max(), typeMax);
        boolean tooSmall = value.compareTo(BigInteger.valueOf(min)) < 0;
        boolean tooLarge = value.compareTo(BigInteger.valueOf(max)) > 0;
        if (tooSmall || tooLarge) {
            String allowed;
            if (tooSmall && max == typeMax) {
                allowed = ">= " + min;
            } else if (tooLarge && min == typeMin) {
                allowed = "<= " + max;
            } else {
                allowed = "between " + min + " and " + max;
            }
            throw Messages.mustBe(path, allowed, Messages.describe(node));
        }
        return type == int.class ? (Object) value.intValue() : (Object) value.longValue();
    }

    /** An integer, also from a float with an integral value (1e6, 20.0) or a string holding one. */
    private static BigInteger integerValue(SpecNode node) {
        if (!(node instanceof SpecNode.Scalar scalar)) {
            return null;
        }
        return switch (scalar.kind()) {
            case INTEGER -> scalar.integer();
            case FLOAT -> integral(scalar.number());
            case STRING -> {
                BigInteger parsed = YamlReader.parseInteger(scalar.text());
                yield parsed != null ? parsed : integral(YamlReader.parseDouble(scalar.text()));
            }
            default -> null;
        };
    }

    private static BigInteger integral(Double value) {
        if (value == null || !Double.isFinite(value) || value != Math.rint(value)) {
            return null;
        }
        return new BigDecimal(value).toBigInteger();
    }

    private static double bindDouble(SpecNode node, String path, Constraint constraint) throws JobSpecException {
        Double value = null;
        if (node instanceof SpecNode.Scalar scalar) {
            value = switch (scalar.kind()) {
                case INTEGER -> scalar.integer().doubleValue();
                case FLOAT -> scalar.number();
                case STRING -> YamlReader.parseDouble(scalar.text());
                default -> null;
            };
        }
        if (value == null) {
            throw Messages.mustBe(path, "a number", Messages.describe(node));
        }
        if (!Double.isFinite(value)) {
            throw Messages.mustBe(path, "a finite number", Messages.describe(node));
        }
        if (constraint instanceof DoubleRange range && !range.test().test(value)) {
            throw Messages.mustBe(path, range.requirement(), Messages.describe(node));
        }
        return value + 0.0; // -0.0 becomes 0.0
    }

    private static boolean bindBoolean(SpecNode node, String path) throws JobSpecException {
        if (node instanceof SpecNode.Scalar scalar) {
            String text = scalar.text().toLowerCase(Locale.ROOT);
            if (scalar.kind() == SpecNode.Kind.BOOLEAN) {
                return Set.of("true", "yes", "on", "y").contains(text);
            }
            if (scalar.kind() == SpecNode.Kind.STRING && (text.equals("true") || text.equals("false"))) {
                return text.equals("true");
            }
        }
        throw Messages.mustBe(path, "true or false", Messages.describe(node));
    }

    /** Any scalar is a string, taken as written ({@code job: 2024} is the name "2024"). */
    private static String bindString(SpecNode node, String path, Constraint constraint) throws JobSpecException {
        if (!(node instanceof SpecNode.Scalar scalar)) {
            throw Messages.mustBe(path, "a string", Messages.describe(node));
        }
        if (constraint instanceof Text text && !text.pattern().matcher(scalar.text()).matches()) {
            throw Messages.mustBe(path, text.requirement(), Messages.describe(node));
        }
        return scalar.text();
    }

    private static <E extends Enum<E>> E bindEnum(Class<E> type, SpecNode node, String path)
            throws JobSpecException {
        if (node instanceof SpecNode.Scalar scalar) {
            for (E constant : type.getEnumConstants()) {
                if (Messages.yamlName(constant).equalsIgnoreCase(scalar.text())) {
                    return constant;
                }
            }
        }
        throw Messages.mustBe(path, Messages.oneOf(type), Messages.describe(node));
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
