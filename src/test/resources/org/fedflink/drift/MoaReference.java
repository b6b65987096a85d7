/*
 * Reference figures for AdwinTest and PageHinkleyTest, from MOA's own detectors
 * (moa.classifiers.core.driftdetection.ADWIN, ADWINChangeDetector and PageHinkleyDM of
 * nz.ac.waikato.cms.moa:moa:2024.07.0) fed the streams of org.fedflink.drift.DriftStreams.
 *
 * MOA is GPL and is never a dependency of fedflink: this program runs outside the build, on a
 * throw-away classpath. To reproduce the figures (Java 17, from the repository root):
 *
 *   mkdir -p /tmp/moa-ref && cat > /tmp/moa-ref/pom.xml <<'POM'
 *   <project xmlns="http://maven.apache.org/POM/4.0.0">
 *     <modelVersion>4.0.0</modelVersion>
 *     <groupId>tmp</groupId><artifactId>moa-ref</artifactId><version>1</version>
 *     <dependencies><dependency><groupId>nz.ac.waikato.cms.moa</groupId>
 *       <artifactId>moa</artifactId><version>2024.07.0</version></dependency></dependencies>
 *   </project>
 *   POM
 *   (cd /tmp/moa-ref && mvn -B -q dependency:build-classpath -Dmdep.outputFile=cp.txt)
 *   mvn -B -q test-compile
 *   java -cp "target/test-classes:$(cat /tmp/moa-ref/cp.txt)" \
 *       src/test/resources/org/fedflink/drift/MoaReference.java
 *
 * Indices are 0-based positions in the stream of the observations at which the detector
 * signalled. Each block's heading names the test that holds its figures. MoaReference.out beside
 * this file is the output the tests' figures were copied from.
 *
 * River's PageHinkley (river 0.26, river/drift/page_hinkley.py) is Python and cannot run here;
 * riverPageHinkley() below is its update rule transcribed line by line (including River's
 * stats.Mean update, mean += (1 / n) * (x - mean)), so that the test can also pin the index of
 * the River form, which MOA's PageHinkleyDM does not compute (see PageHinkley's Javadoc).
 */

import java.util.ArrayList;
import java.util.List;
import moa.classifiers.core.driftdetection.ADWIN;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.ChangeDetector;
import moa.classifiers.core.driftdetection.PageHinkleyDM;
import org.fedflink.drift.DriftStreams;

public class MoaReference {

    public static void main(String[] args) throws Exception {
        System.out.println("== AdwinTest: ADWIN, MOA defaults (delta 0.002, clock 32, M 5, min length 5)");
        adwin("errorStep", DriftStreams.errorStep(), 0.002, 32, 5);
        adwin("lossLevels", DriftStreams.lossLevels(), 0.002, 32, 5);
        adwin("stationaryErrors", DriftStreams.stationaryErrors(), 0.002, 32, 5);
        System.out.println("== AdwinTest: ADWIN, other settings");
        adwin("errorStep delta 0.1 clock 1", DriftStreams.errorStep(), 0.1, 1, 5);
        adwin("errorStep clock 1 minWindowLength 10", DriftStreams.errorStep(), 0.002, 1, 10);
        adwin("lossLevels delta 0.1 clock 4", DriftStreams.lossLevels(), 0.1, 4, 5);
        adwin("bigJump clock 1", DriftStreams.bigJump(), 0.002, 1, 5);
        adwin("bigJump clock 1 minWindowLength 1", DriftStreams.bigJump(), 0.002, 1, 1);
        System.out.println("== AdwinTest: ADWIN past int overflow, defaults; the window after the first detection");
        ADWIN big = new ADWIN(0.002);
        double[] longStep = DriftStreams.longStep();
        for (int i = 0; i < longStep.length; i++) {
            if (big.setInput(longStep[i])) {
                System.out.println("longStep: first detection at " + i + ", width " + big.getWidth()
                        + ", estimation " + big.getEstimation() + ", variance " + big.getVariance());
                break;
            }
        }

        System.out.println("== AdwinTest: ADWINChangeDetector (signals rises of the estimate only)");
        changeDetector("errorStep", DriftStreams.errorStep());
        changeDetector("lossLevels", DriftStreams.lossLevels());

        System.out.println("== PageHinkleyTest: PageHinkleyDM, delta 0 (other options at MOA's defaults)");
        pageHinkley("levelSteps", DriftStreams.levelSteps(), 0.0);
        System.out.println("== PageHinkleyTest: PageHinkleyDM, delta 0, lambda 1 (its first possible detection)");
        PageHinkleyDM early = pageHinkleyDM(0.0);
        early.lambdaOption.setValue(1.0);
        early.resetLearning();
        System.out.println("earlyJump: " + hits(DriftStreams.earlyJump(), early));
        System.out.println("== PageHinkleyTest: PageHinkleyDM, MOA defaults (n 30, delta 0.005, lambda 50, alpha 0.9999)");
        pageHinkley("errorStep", DriftStreams.errorStep(), 0.005);
        pageHinkley("lossLevels", DriftStreams.lossLevels(), 0.005);
        pageHinkley("stationaryErrors", DriftStreams.stationaryErrors(), 0.005);
        System.out.println("== PageHinkleyTest: River's update rule, transcribed, River's defaults");
        for (String mode : new String[] {"up", "down", "both"}) {
            System.out.println("errorStep " + mode + ": "
                    + riverPageHinkley(DriftStreams.errorStep(), 30, 0.005, 50, 1 - 0.0001, mode));
            System.out.println("lossLevels " + mode + ": "
                    + riverPageHinkley(DriftStreams.lossLevels(), 30, 0.005, 50, 1 - 0.0001, mode));
            System.out.println("stationaryErrors " + mode + ": "
                    + riverPageHinkley(DriftStreams.stationaryErrors(), 30, 0.005, 50, 1 - 0.0001, mode));
        }
    }

    /** MOA's ADWIN.setInput: true at every cut, whichever way the mean moved. */
    static void adwin(String label, double[] stream, double delta, int clock, int minWindowLength)
            throws Exception {
        ADWIN adwin = new ADWIN(delta);
        adwin.setClock(clock);
        // MOA has no setter for the sub-window minimum (mintMinWinLength, 5)
        java.lang.reflect.Field f = ADWIN.class.getDeclaredField("mintMinWinLength");
        f.setAccessible(true);
        f.setInt(adwin, minWindowLength);
        List<String> hits = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            double before = adwin.getEstimation();
            if (adwin.setInput(stream[i])) {
                hits.add(i + (adwin.getEstimation() > before ? "+" : "-") + adwin.getWidth());
            }
        }
        System.out.println(label + ": detections (index, + rise / - fall, width after) " + hits);
        System.out.println(label + ": width " + adwin.getWidth() + ", estimation " + adwin.getEstimation()
                + ", variance " + adwin.getVariance());
    }

    static void changeDetector(String label, double[] stream) {
        ADWINChangeDetector detector = new ADWINChangeDetector();
        System.out.println(label + ": " + hits(stream, detector));
    }

    static void pageHinkley(String label, double[] stream, double delta) {
        System.out.println(label + ": " + hits(stream, pageHinkleyDM(delta)));
        // a fall is a rise of the negated stream
        System.out.println(label + " negated: " + hits(DriftStreams.negated(stream), pageHinkleyDM(delta)));
    }

    static PageHinkleyDM pageHinkleyDM(double delta) {
        PageHinkleyDM ph = new PageHinkleyDM();
        ph.deltaOption.setValue(delta);
        ph.resetLearning();
        return ph;
    }

    /** The indices at which a MOA change detector signals. */
    static List<Integer> hits(double[] stream, ChangeDetector detector) {
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            detector.input(stream[i]);
            if (detector.getChange()) {
                hits.add(i);
            }
        }
        return hits;
    }

    /** River 0.26 PageHinkley.update and _reset, transcribed; index and crossing statistic. */
    static List<String> riverPageHinkley(
            double[] stream, int minInstances, double delta, double threshold, double alpha, String mode) {
        List<String> hits = new ArrayList<>();
        boolean drift = false;
        double n = 0, mean = 0, sumIncrease = 0, sumDecrease = 0;
        double minIncrease = Double.POSITIVE_INFINITY, maxDecrease = -1;
        for (int i = 0; i < stream.length; i++) {
            double x = stream[i];
            if (drift) {
                n = 0;
                mean = 0;
                sumIncrease = 0;
                sumDecrease = 0;
                minIncrease = Double.POSITIVE_INFINITY;
                maxDecrease = -1;
                drift = false;
            }
            n += 1;
            mean += (1.0 / n) * (x - mean);
            double dev = x - mean;
            sumIncrease = alpha * sumIncrease + dev - delta;
            sumDecrease = alpha * sumDecrease + dev + delta;
            if (sumIncrease < minIncrease) {
                minIncrease = sumIncrease;
            }
            if (sumDecrease > maxDecrease) {
                maxDecrease = sumDecrease;
            }
            if (n >= minInstances) {
                double up = sumIncrease - minIncrease;
                double down = maxDecrease - sumDecrease;
                boolean rose = !mode.equals("down") && up > threshold;
                boolean fell = !mode.equals("up") && down > threshold;
                drift = rose || fell;
                if (drift) {
                    hits.add(i + "@" + (rose ? up : down));
                }
            }
        }
        return hits;
    }
}
