package org.fedflink.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client properties as a job spec and the environment give them: {@code key=value} strings
 * ({@code input.kafka.properties}, {@code output.kafka.properties}) and environment variables
 * {@code FEDFLINK_KAFKA_<KEY>} ({@code FEDFLINK_KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}:
 * the prefix dropped, lower case, {@code _} read as {@code .}).
 *
 * <p>Secrets (any key naming a password, secret, JAAS configuration, credential, token or private
 * key) pass to the Kafka clients untouched but are written nowhere else: {@link #redact} is what
 * every writer of a spec (the run folder's {@code job.yaml}, {@code preprocessing.json}, a record's
 * {@code toString}) shows instead. The environment is the place for secrets: its values never
 * enter the spec at all.
 */
public final class KafkaProperties {

    /** Prefix of the environment variables that carry Kafka client properties. */
    public static final String ENV_PREFIX = "FEDFLINK_KAFKA_";

    /** What a secret value is replaced with wherever it would be shown. */
    public static final String REDACTED = "<redacted>";

    private static final List<String> SECRET_WORDS =
            List.of("password", "secret", "jaas", "credential", "token", "keystore.key", "user.info", "apikey");

    private KafkaProperties() {}

    /** Whether a property's value must never be shown: its key names a password, secret, key or token. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** The entries with the value of every secret key replaced by {@value #REDACTED}; others unchanged. */
    public static List<String> redact(List<String> entries) {
        List<String> out = new ArrayList<>(entries.size());
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String key = eq < 0 ? entry : entry.substring(0, eq);
            out.add(isSecret(key) ? key.strip() + "=" + REDACTED : entry);
        }
        return List.copyOf(out);
    }

    /** A property map for a log line or a message: secret values replaced by {@value #REDACTED}. */
    public static Map<String, String> redact(Map<?, ?> properties) {
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(String.valueOf(k), isSecret(String.valueOf(k)) ? REDACTED : String.valueOf(v)));
        return out;
    }

    /**
     * Parses {@code key=value} entries (the first {@code =} splits; spaces around the key are
     * dropped, the value is kept as written). A later entry for the same key wins.
     *
     * @param where the spec key, for messages ({@code input.kafka.properties})
     * @throws JobSpecException naming the entry's index (never its text, which may hold a secret)
     */
    public static Map<String, String> parse(List<String> entries, String where) throws JobSpecException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            int eq = entry.indexOf('=');
            String key = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (eq < 0 || key.isEmpty() || !key.matches("[A-Za-z0-9._-]+")) {
                throw new JobSpecException("key '" + where + "[" + i + "]' must be a Kafka client property written"
                        + " key=value, such as security.protocol=SASL_SSL");
            }
            out.put(key, entry.substring(eq + 1));
        }
        return out;
    }

    /** The properties the environment gives: {@code FEDFLINK_KAFKA_SASL_MECHANISM=PLAIN} is {@code sasl.mechanism=PLAIN}. */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.entrySet().stream()
                .filter(e -> e.getKey().startsWith(ENV_PREFIX) && e.getKey().length() > ENV_PREFIX.length())
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(
                        e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        e.getValue()));
        return out;
    }

    /**
     * The client properties of a Kafka connection: {@code bootstrap.servers}, then each of
     * {@code layers} in order (a later layer wins), then the environment (which wins over the spec,
     * so a deployment can override or add secrets without editing it).
     */
    @SafeVarargs
    public static Properties client(String bootstrapServers, Map<String, String> env, Map<String, String>... layers) {
        Properties props = new Properties();
        if (bootstrapServers != null) {
            props.setProperty("bootstrap.servers", bootstrapServers);
        }
        for (Map<String, String> layer : layers) {
            layer.forEach(props::setProperty);
        }
        fromEnvironment(env).forEach(props::setProperty);
        return props;
    }
}
