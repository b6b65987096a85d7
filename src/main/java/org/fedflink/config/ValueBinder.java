package org.fedflink.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fedflink.config.SpecBinder.Constraint;
import org.fedflink.config.SpecBinder.DoubleRange;
import org.fedflink.config.SpecBinder.IntRange;
import org.fedflink.config.SpecBinder.Text;

/**
 * Binds the node of one key that is not a section to its Java value: a number, boolean, string,
 * enum constant or list of them, checked against the key's {@link Constraint}. YAML's loose typing
 * is accepted where a user would expect it (an integer written {@code 1e6}, a list written as
 * {@code --set key=a,b}); anything else becomes a one-line {@link JobSpecException}. Which key gets
 * which type and constraint is {@link SpecBinder}'s business.
 */
final class ValueBinder {
    private ValueBinder() {}

    static Object bindInteger(Class<?> type, SpecNode node, String path, Constraint constraint)
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

    static double bindDouble(SpecNode node, String path, Constraint constraint) throws JobSpecException {
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

    static boolean bindBoolean(SpecNode node, String path) throws JobSpecException {
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
    static String bindString(SpecNode node, String path, Constraint constraint) throws JobSpecException {
        if (!(node instanceof SpecNode.Scalar scalar)) {
            throw Messages.mustBe(path, "a string", Messages.describe(node));
        }
        if (constraint instanceof Text text && !text.pattern().matcher(scalar.text()).matches()) {
            throw Messages.mustBe(path, text.requirement(), Messages.describe(node));
        }
        return scalar.text();
    }

    static <E extends Enum<E>> E bindEnum(Class<E> type, SpecNode node, String path)
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

    /**
     * A list of integers: a YAML list ({@code [256, 128]}), one integer ({@code 128}), or a string of
     * comma-separated integers ({@code "256,128"}, what {@code --set key=256,128} gives). Each element
     * must satisfy the key's constraint.
     */
    static List<Integer> bindIntegerList(SpecNode node, String path, Constraint constraint)
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
     * A list of strings: a YAML list ({@code [cat, dog]}), or one string of comma-separated names
     * ({@code "cat,dog"}, what {@code --set key=cat,dog} gives). Each element must satisfy the key's
     * constraint.
     */
    static List<String> bindStringList(SpecNode node, String path, Constraint constraint)
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

    /**
     * A list of enum constants: a YAML list ({@code [centralized, local]}), one constant
     * ({@code centralized}), or one string of comma-separated constants ({@code "centralized,local"},
     * what {@code --set key=centralized,local} gives).
     */
    static <E extends Enum<E>> List<E> bindEnumList(Class<E> type, SpecNode node, String path)
            throws JobSpecException {
        List<SpecNode> elements = listElements(node, path, "a list of " + Messages.oneOf(type).replace("one of: ", ""));
        List<E> values = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            values.add(bindEnum(type, elements.get(i), path + "[" + i + "]"));
        }
        return List.copyOf(values);
    }
}
