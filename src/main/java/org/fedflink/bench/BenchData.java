package org.fedflink.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.fedflink.data.FormatException;
import org.fedflink.data.LineReader;

/**
 * The data files of the benchmark, written once per bench folder ({@code DIR/data}) and
 * deterministic (seeded): binary footwear labels for Fashion-MNIST, and the sparse text data set.
 */
public final class BenchData {

    /** Where the Debian package {@code dataset-fashion-mnist} puts Fashion-MNIST. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST classes that are footwear: sandal, sneaker, ankle boot (label 1 of the logistic cases). */
    static final int[] FOOTWEAR = {5, 7, 9};

    /** Words per example of the sparse data (distinct words become distinct hashed features). */
    static final int WORDS_PER_EXAMPLE = 40;
    /** Vocabulary of the sparse data. */
    static final int VOCABULARY = 1 << 17;

    private final Path dir;
    private final Path fashionMnist;

    public BenchData(Path dir, Path fashionMnist) {
        this.dir = dir;
        this.fashionMnist = fashionMnist;
    }

    public Path dir() {
        return dir;
    }

    /** Whether the Fashion-MNIST training and test files are installed. */
    public boolean hasFashionMnist() {
        return fashionMnist != null
                && Files.isRegularFile(fashionImages("train"))
                && Files.isRegularFile(fashionMnist.resolve("train-labels-idx1-ubyte.gz"))
                && Files.isRegularFile(fashionImages("t10k"))
                && Files.isRegularFile(fashionMnist.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    /** The images file of a Fashion-MNIST split ({@code train} or {@code t10k}). */
    public Path fashionImages(String split) {
        return fashionMnist.resolve(split + "-images-idx3-ubyte.gz");
    }

    /** The class labels file of a Fashion-MNIST split. */
    public Path fashionLabels(String split) {
        return fashionMnist.resolve(split + "-labels-idx1-ubyte.gz");
    }

    /**
     * An IDX labels file beside the split's images with 1 for footwear and 0 for the rest, written
     * into the data folder when it is not there yet.
     */
    public Path footwearLabels(String split) throws IOException {
        Path out = dir.resolve(split + "-footwear-labels-idx1-ubyte");
        if (Files.exists(out)) {
            return out;
        }
        byte[] all;
        try (InputStream in = LineReader.open(fashionLabels(split))) {
            all = in.readAllBytes();
        }
        ByteBuffer header = ByteBuffer.wrap(all, 0, 8);
        int magic = header.getInt();
        int count = header.getInt();
        if (magic != 0x00000801 || all.length != 8 + count) {
            throw new FormatException(fashionLabels(split) + " is not an IDX labels file");
        }
        byte[] binary = all.clone();
        for (int i = 8; i < binary.length; i++) {
            binary[i] = (byte) (isFootwear(all[i]) ? 1 : 0);
        }
        write(out, binary);
        return out;
    }

    static boolean isFootwear(int label) {
        for (int c : FOOTWEAR) {
            if (label == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * A JSON-lines file of {@code rows} text examples ({@code {"source": "s7", "label": 1, "text":
     * "w3f w1a2 ..."}}) for the sparse cases, written when it is not there yet (a file of another
     * size is rewritten). Each example has {@value #WORDS_PER_EXAMPLE} words drawn from a
     * vocabulary of {@value #VOCABULARY} (small word ids more often: the id is {@code V u^2} for a
     * uniform {@code u}); every word has a planted weight, and the label is 1 when the words'
     * weights plus noise add up to more than 0. Sources are drawn uniformly from {@code sources}.
     * Deterministic in {@code seed}; a file for another purpose (the holdout) takes another seed.
     */
    public Path sparseText(String name, int rows, int sources, long seed) throws IOException {
        Path out = dir.resolve(name);
        if (Files.exists(out) && lineCount(out) == rows) {
            return out;
        }
        double[] weights = plantedWeights(seed);
        SplittableRandom random = new SplittableRandom(seed * 31 + name.hashCode());
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder(512);
            for (int i = 0; i < rows; i++) {
                line.setLength(0);
                double score = 0;
                StringBuilder text = new StringBuilder(WORDS_PER_EXAMPLE * 5);
                for (int k = 0; k < WORDS_PER_EXAMPLE; k++) {
                    double u = random.nextDouble();
                    int word = (int) (VOCABULARY * u * u);
                    score += weights[word];
                    if (k > 0) {
                        text.append(' ');
                    }
                    text.append('w').append(Integer.toString(word, 36));
                }
                double noise = random.nextGaussian();
                int label = score / Math.sqrt(WORDS_PER_EXAMPLE) + 0.5 * noise > 0 ? 1 : 0;
                line.append("{\"source\":\"s").append(random.nextInt(sources)).append("\",\"label\":")
                        .append(label).append(",\"text\":\"").append(text).append("\"}\n");
                w.append(line);
            }
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /** The planted weight of every word, N(0, 1), from the data set's seed (the same for training and holdout). */
    static double[] plantedWeights(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] weights = new double[VOCABULARY];
        for (int j = 0; j < weights.length; j++) {
            weights[j] = random.nextGaussian();
        }
        return weights;
    }

    private static long lineCount(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(bytes);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
