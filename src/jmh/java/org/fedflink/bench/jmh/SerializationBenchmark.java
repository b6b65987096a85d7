package org.fedflink.bench.jmh;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.fedflink.data.ByteValues;
import org.fedflink.data.Example;
import org.fedflink.pipeline.ExampleSerializer;
import org.fedflink.pipeline.GlobalModel;
import org.fedflink.pipeline.LocalUpdate;
import org.fedflink.pipeline.LocalUpdateSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A serialize-deserialize round trip of the records that cross the job's network edges, through
 * Flink's {@link DataOutputSerializer} and {@link DataInputDeserializer}. Examples go through the
 * job's {@link ExampleSerializer} (Flink cannot derive a POJO serializer for them since they may hold
 * their values as bytes); updates through the job's {@link LocalUpdateSerializer} ({@code
 * serializer=bulk}) and through the POJO serializer Flink would derive ({@code serializer=pojo}:
 * {@code TypeInformation.of(type).createSerializer(...)}, generic types disabled as the job runs);
 * global models go through the POJO serializer:
 *
 * <ul>
 *   <li>{@link #example}: an {@link Example} from ingest to the trainer, dense (784 floats), an
 *       image held as its 784 bytes, or sparse (40 indices and values);
 *   <li>{@link #localUpdate}: a {@link LocalUpdate} from a trainer to the aggregator, a delta of
 *       {@link Updates#length} floats;
 *   <li>{@link #globalModel}: a {@link GlobalModel} version back to the trainers, as many parameters.
 * </ul>
 * The output buffer is reused, as Flink's record writer reuses its own.
 *
 * <pre>
 * mvn -B -Pjmh -DskipTests package
 * java -jar target/jmh/benchmarks.jar SerializationBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SerializationBenchmark {

    private static final long SEED = 42;

    /** Serializers as the job gets them: Flink's own, with a Kryo fallback refused. */
    static <T> TypeSerializer<T> serializer(Class<T> type) {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return TypeInformation.of(type).createSerializer(config);
    }

    /** Buffers reused across calls. */
    @State(Scope.Thread)
    public static class Buffers {
        final DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
        final DataInputDeserializer in = new DataInputDeserializer();
    }

    /** Examples in a pool, so that successive calls write other arrays. */
    @State(Scope.Thread)
    public static class Examples {
        /**
         * {@code dense}: 784 features; {@code bytes}: 784 features held as bytes (an IDX image);
         * {@code sparse}: 40 non-zeros in 2^20 dimensions.
         */
        @Param({"dense", "bytes", "sparse"})
        public String layout;

        TypeSerializer<Example> examples;
        Example[] pool;
        int next;

        @Setup
        public void setUp() throws IOException {
            examples = new ExampleSerializer();
            ByteValues.Scale divideBy255 = ByteValues.Scale.divideBy(255);
            SplittableRandom random = new SplittableRandom(SEED);
            pool = new Example[Synthetic.POOL];
            for (int i = 0; i < pool.length; i++) {
                String source = String.format("source-%03d", i % 100);
                long timestamp = 1_700_000_000_000L + i;
                pool[i] = switch (layout) {
                    case "dense" -> new Example(source, timestamp, i % 10, null, Synthetic.pixels(random, Synthetic.PIXELS));
                    case "bytes" -> Example.ofBytes(source, timestamp, i % 10,
                            new ByteValues(randomBytes(random, Synthetic.PIXELS), divideBy255));
                    case "sparse" -> new Example(source, timestamp, i % 2,
                            Synthetic.sparseIndices(random, Synthetic.SPARSE_DIMENSION, Synthetic.SPARSE_NON_ZEROS),
                            Synthetic.ones(Synthetic.SPARSE_NON_ZEROS));
                    default -> throw new IllegalArgumentException("layout must be dense, bytes or sparse, got " + layout);
                };
            }
            Example copy = roundTrip(examples, pool[0], new Buffers());
            if (!copy.source().equals(pool[0].source()) || !java.util.Arrays.equals(copy.indices(), pool[0].indices())
                    || !java.util.Arrays.equals(copy.values(), pool[0].values())) {
                throw new IllegalStateException("the Example serializer does not round-trip: " + copy);
            }
        }
    }

    static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** One trainer's update of {@link #length} parameters. */
    @State(Scope.Thread)
    public static class Updates {
        /** Parameters of the delta (one shard of softmax 784x10). */
        @Param({"7850"})
        public int length;

        /** {@code bulk}: the job's {@link LocalUpdateSerializer}; {@code pojo}: Flink's POJO serializer. */
        @Param({"bulk", "pojo"})
        public String serializer;

        TypeSerializer<LocalUpdate> updateSerializer;
        LocalUpdate update;

        @Setup
        public void setUp() throws IOException {
            updateSerializer = "bulk".equals(serializer) ? new LocalUpdateSerializer() : serializer(LocalUpdate.class);
            SplittableRandom random = new SplittableRandom(SEED);
            update = new LocalUpdate(0, "source-017", 41, 250, 112.5, 201,
                    Synthetic.gaussian(random, length, 0.01), false, 1);
            LocalUpdate copy = roundTrip(updateSerializer, update, new Buffers());
            if (!java.util.Arrays.equals(copy.delta(), update.delta()) || copy.samples() != update.samples()) {
                throw new IllegalStateException("the LocalUpdate serializer does not round-trip: " + copy);
            }
        }
    }

    /** One global model version of {@link #length} parameters (Flink's POJO serializer). */
    @State(Scope.Thread)
    public static class Models {
        /** Parameters of the model version (one shard holding softmax 784x10). */
        @Param({"7850"})
        public int length;

        TypeSerializer<GlobalModel> modelSerializer;
        GlobalModel model;

        @Setup
        public void setUp() throws IOException {
            modelSerializer = serializer(GlobalModel.class);
            SplittableRandom random = new SplittableRandom(SEED + 1);
            model = new GlobalModel(0, 1, 42, Synthetic.gaussian(random, length, 0.1), 1_000_000, 100, 42,
                    1_700_000_000_000L, 20, 20, 5_000, 0.5, 0.41, 0.86, 0.39, 0.87, false);
            GlobalModel modelCopy = roundTrip(modelSerializer, model, new Buffers());
            if (!java.util.Arrays.equals(modelCopy.params(), model.params()) || modelCopy.version() != model.version()) {
                throw new IllegalStateException("the GlobalModel serializer does not round-trip: " + modelCopy);
            }
        }
    }

    static <T> T roundTrip(TypeSerializer<T> serializer, T record, Buffers b) throws IOException {
        b.out.clear();
        serializer.serialize(record, b.out);
        b.in.setBuffer(b.out.getSharedBuffer(), 0, b.out.length());
        return serializer.deserialize(b.in);
    }

    @Benchmark
    public Example example(Examples s, Buffers b) throws IOException {
        int i = s.next;
        s.next = i + 1 == Synthetic.POOL ? 0 : i + 1;
        return roundTrip(s.examples, s.pool[i], b);
    }

    @Benchmark
    public LocalUpdate localUpdate(Updates s, Buffers b) throws IOException {
        return roundTrip(s.updateSerializer, s.update, b);
    }

    @Benchmark
    public GlobalModel globalModel(Models s, Buffers b) throws IOException {
        return roundTrip(s.modelSerializer, s.model, b);
    }
}
