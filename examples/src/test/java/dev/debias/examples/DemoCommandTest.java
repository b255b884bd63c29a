package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * {@code debias demo} end to end on a small folder dataset: with {@code --jobs 2} every demo method
 * trains in its own child process ({@link DemoLanes}) and the parent reports them all; a child
 * that fails is named with the end of its log.
 */
class DemoCommandTest {

    /** Runs the command line, returning the exit code, standard output and standard error. */
    private static Object[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int code = DebiasCli.standard().execute(args);
            return new Object[] {code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static List<String> demoMethods() {
        List<String> methods = new ArrayList<>();
        for (MethodEntry entry : MethodRegistry.entries()) {
            if (entry.inDemo()) {
                methods.add(entry.name());
            }
        }
        return methods;
    }

    @Test
    void everyMethodTrainsInItsOwnProcessAndTheParentReportsThemAll(@TempDir Path tmp) throws Exception {
        Path data = DebiasCliTest.folderDataset(tmp);
        Path out = tmp.resolve("demo");
        Object[] result = run("demo", "--dataset", data.toString(), "--iterations", "8", "--batch-size", "32",
                "--out", out.toString(), "--quiet", "--jobs", "2");
        assertEquals(0, result[0], result[1] + "\n" + result[2]);
        String printed = (String) result[1];
        List<String> methods = demoMethods();
        assertEquals(5, methods.size(), methods.toString());
        for (String method : methods) {
            Path runDir = out.resolve(method);
            assertTrue(printed.contains("=== " + method + " === ("), printed);
            assertTrue(Files.isRegularFile(runDir.resolve(DemoLanes.LOG)), method);
            JsonObject metrics = JsonParser.parseString(Files.readString(runDir.resolve("metrics.json"))).getAsJsonObject();
            assertEquals(MethodRegistry.get(method).demoIterations(8), metrics.get("steps").getAsLong(), method);
            JsonObject manifest = metrics.getAsJsonObject("manifest");
            assertEquals("1", manifest.get("intraOpThreads").getAsString(), method);
            assertEquals("1", manifest.get("interOpThreads").getAsString(), method);
            assertEquals("1", manifest.get("ompNumThreads").getAsString(), method);
            JsonArray commandLine = manifest.getAsJsonArray("commandLine");
            List<String> words = new ArrayList<>();
            commandLine.forEach(w -> words.add(w.getAsString()));
            int only = words.indexOf("--only");
            assertTrue(only > 0 && words.get(only + 1).equals(method), "trained by a child: " + words);
            assertTrue(!words.contains("--jobs"), words.toString());
            DemoResult r = DemoResult.read(method, runDir);
            String row = String.format(java.util.Locale.ROOT, "%-8s %9.1f %9.1f", method, 100 * r.average(), 100 * r.unbiased());
            assertTrue(printed.contains(row), "the comparison holds " + row + ":\n" + printed);
        }
        assertTrue(printed.contains("worst test groups of the final models"), printed);
        assertTrue(ImageIO.read(out.resolve("demo.png").toFile()).getWidth() > 0);
    }

    @Test
    void aFailingChildIsNamedWithTheEndOfItsLog(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("demo");
        Object[] result = run("demo", "--dataset", tmp.resolve("no-such-data").toString(), "--iterations", "4",
                "--out", out.toString(), "--quiet", "--jobs", "2");
        String err = (String) result[2];
        assertEquals(2, result[0], err);
        assertTrue(err.contains("the demo's run of "), err);
        for (String method : demoMethods()) {
            assertTrue(err.contains(method + ": exit code 2: "), err);
        }
        assertTrue(err.contains("unknown dataset"), err);
        assertTrue(!Files.exists(out.resolve("demo.png")), "no chart of a failed demo");
    }
}
