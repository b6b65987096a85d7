package org.fedflink.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What the scripts that start local JVMs (the Flink cluster, the Kafka broker) need of the OS:
 * launching a process that outlives the command, recording its pid, telling it from a process that
 * reused that pid, and stopping it.
 */
public final class LocalProcesses {
    private LocalProcesses() {}

    /** The java launcher of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The command line of process {@code pid} ({@code /proc} where there is one, else what the JVM
     * can see); empty when it is gone or unreadable. Used to tell our processes from a reused pid.
     */
    public static List<String> commandLine(long pid) {
        Path cmdline = Path.of("/proc", String.valueOf(pid), "cmdline");
        try {
            return Files.exists(cmdline)
                    ? Arrays.asList(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"))
                    : ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(Arrays::asList).orElse(List.of());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether {@code port} on the loopback address can be bound now. */
    public static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The error for a start when {@code port} cannot be bound, empty when it is free.
     *
     * @param what the port's role and the option that sets it, e.g. "the client port (--port)"
     */
    public static Optional<String> portInUse(int port, String what) {
        return portFree(port) ? Optional.empty()
                : Optional.of("port " + port + ", " + what + ", is in use; choose another");
    }

    /**
     * Starts {@code command} in the background and writes its pid to {@code pidFile}. It gets its own
     * session where {@code setsid} exists: it outlives this command and a Ctrl-C in the terminal that
     * started it. Its input is {@code /dev/null}; its stdout and stderr are appended to {@code out}.
     *
     * @return the pid
     */
    public static long launchDetached(List<String> command, Path workDir, Path out, Path pidFile) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
            cmd.add("setsid");
        }
        cmd.addAll(command);
        Process process = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectErrorStream(true)
                .start();
        Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
        return process.pid();
    }

    /** The pid a pid file holds; empty when the file is missing or does not hold a number. */
    public static OptionalLong readPid(Path pidFile) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The pid in {@code pidFile} if that process is alive and its command line carries every one of
     * {@code marks}: a pid file outlives its process, and the OS may have given the pid to another
     * one, which must not be taken for ours (nor be signalled).
     */
    public static OptionalLong runningPid(Path pidFile, List<String> marks) {
        OptionalLong pid = readPid(pidFile);
        if (pid.isEmpty()) {
            return pid;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.getAsLong());
        if (handle.isEmpty() || !handle.get().isAlive() || !commandLine(pid.getAsLong()).containsAll(marks)) {
            return OptionalLong.empty();
        }
        return pid;
    }

    /**
     * SIGTERM to each process, then SIGKILL to those still alive when {@code grace} is over. The
     * grace is one deadline for all of them, so that stopping many does not take many graces.
     *
     * @return the processes that had to be killed (they may not have exited yet)
     */
    public static List<ProcessHandle> terminate(List<Long> pids, Duration grace) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy();
                handles.add(h);
            });
        }
        List<ProcessHandle> killed = new ArrayList<>();
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : handles) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                killed.add(h);
            }
        }
        return killed;
    }
}
