// Runs MOA tasks one after another in one JVM: what `moa.DoTask "<task>"` does for one task, without a
// JVM start and DoTask's one-second status polling per task. org.fedflink.quality.Moa starts it as
//
//   java -cp <MOA's classpath> quality/moa/MoaTasks.java "<task>" "<task>" ...
//
// (Java's single-file source launcher compiles it against MOA when it starts). Each task's result is
// printed to standard output followed by a line holding only END_OF_TASK; the first task that fails
// prints its error to standard error and exits with 1. This file is tooling beside MOA (GPL-3.0), never
// part of fedflink's jar.

import moa.options.ClassOption;
import moa.tasks.MainTask;
import moa.tasks.Task;

public class MoaTasks {

    static final String END_OF_TASK = "@@ end of MOA task @@";

    public static void main(String[] args) {
        for (String text : args) {
            try {
                Task task = (Task) ClassOption.cliStringToObject(text, MainTask.class, null);
                Object result = task.doTask();
                System.out.println(result);
            } catch (Exception | LinkageError e) {
                System.err.println("MOA task failed: " + text);
                e.printStackTrace();
                System.err.println(e);
                System.exit(1);
            }
            System.out.println(END_OF_TASK);
            System.out.flush();
        }
    }
}
