package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debias.io.CheckpointDirectories;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SIGTERM to a real {@code debias train} process (a child JVM): the process ends by itself with
 * exit code 143 after the current step, its {@code last} checkpoint at that step intact and no
 * JVM crash report, and {@code --resume} finishes the run from there.
 */
class SignalStopTest {

    private static final Pattern CHECKPOINT_STEP = Pattern.compile("its last checkpoint is at step (\\d+)");

    @Test
    void sigtermEndsTrainingCleanlyAtACheckpointThatResumes(@TempDir Path tmp) throws Exception {
        Path data = DebiasCliTest.folderDataset(tmp);
        Path out = tmp.resolve("run");
        List<String> args = List.of(
                "train", "--method", "erm", "--dataset", data.toString(), "--iterations", "1200",
                "--eval-every", "400", "--batch-size", "32", "--out", out.toString(), "--quiet");
        Path manifest = out.resolve("checkpoints").resolve("train").resolve("last").resolve("MANIFEST.json");
        long stoppedAt = stopAtACheckpoint(tmp, args, manifest);
        assertTrue(stoppedAt >= 400 && stoppedAt < 1200, "stopped at step " + stoppedAt);
        CheckpointDirectories.verify(manifest.getParent());
        assertTrue(Files.notExists(out.resolve("metrics.json")), "a stopped run writes no results");

        List<String> resume = new ArrayList<>(args);
        resume.add("--resume");
        Object[] resumed = runHere(resume);
        assertEquals(0, resumed[0], (String) resumed[1]);
        String history = Files.readString(out.resolve("checkpoints").resolve("history.csv"));
        assertEquals(4, history.lines().count(), "a header and the evaluations at 400, 800 and 1,200 steps:\n" + history);
        assertTrue(Files.isRegularFile(out.resolve("metrics.json")));
    }

    @Test
    void aStoppedTranslateRunResumesToTheEndAndLeavesNoCheckpoints(@TempDir Path tmp) throws Exception {
        Path data = DebiasCliTest.twoSubgroupDataset(tmp);
        Path out = tmp.resolve("translate");
        // six steps: a checkpoint after every step (a tenth of the steps, at least one)
        List<String> args = List.of(
                "translate", "--dataset", data.toString(), "--class", "1", "--from", "0", "--to", "1",
                "--steps", "6", "--out", out.toString(), "--quiet");
        Path manifest = out.resolve("checkpoints").resolve("cyclegan").resolve("last").resolve("MANIFEST.json");
        long stoppedAt = stopAtACheckpoint(tmp, args, manifest);
        assertTrue(stoppedAt < 6, "stopped at step " + stoppedAt);
        assertTrue(Files.notExists(out.resolve("translation.json")), "a stopped run writes no results");

        Object[] again = runHere(args);
        assertEquals(2, again[0]);
        assertTrue(((String) again[1]).contains("holds the checkpoints of a stopped translate run: add --resume"), (String) again[1]);

        List<String> resume = new ArrayList<>(args);
        resume.add("--resume");
        Object[] resumed = runHere(resume);
        assertEquals(0, resumed[0], (String) resumed[1]);
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        List<String> steps = history.subList(1, history.size()).stream().map(l -> l.split(",")[1]).toList();
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), steps, "every step once, across the stop:\n" + history);
        assertTrue(Files.isRegularFile(out.resolve("translation.json")));
        assertTrue(Files.notExists(out.resolve("checkpoints")), "a finished run removes its checkpoints");
    }

    /** Starts {@code debias ARGS} in a child JVM at one intra-op thread, its standard error to a file. */
    private static Process startChild(Path dir, List<String> args, Path stderr) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Dai.djl.default_engine=PyTorch",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                DebiasCli.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
    }

    /** Runs {@code debias ARGS} in this process, returning the exit code and standard error. */
    private static Object[] runHere(List<String> args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Object[] {DebiasCli.standard().execute(args.toArray(String[]::new)), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(original);
        }
    }

    /**
     * Starts {@code debias ARGS} in a child JVM, waits for the checkpoint's manifest, sends SIGTERM,
     * checks the clean stop (exit 143, the stop message, no JVM crash report) and returns the step
     * of the checkpoint it wrote.
     */
    private static long stopAtACheckpoint(Path dir, List<String> args, Path manifest) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process child = startChild(dir, args, stderr);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(manifest) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(child.isAlive(), "the run ended before its first checkpoint: " + Files.readString(stderr));
        child.destroy(); // SIGTERM
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the run did not end after SIGTERM");
        String err = Files.readString(stderr);
        assertEquals(143, child.exitValue(), err);
        assertTrue(err.contains("SIGTERM: stopping after the current step"), err);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "the JVM crashed");
        }
        Matcher step = CHECKPOINT_STEP.matcher(err);
        assertTrue(step.find(), err);
        return Long.parseLong(step.group(1));
    }
}
