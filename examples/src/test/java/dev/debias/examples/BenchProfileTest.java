package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --profile}: the per-step profile of ERM's step, and a folder that holds something. */
class BenchProfileTest {

    @Test
    void theProfileOfAStepCountsEachOperationAWholeNumberOfTimes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("erm");
        assertEquals(0, DebiasCli.standard().execute("bench", "--method", "erm", "--iterations", "6", "--profile", out.toString()));
        JsonObject report = JsonParser.parseString(Files.readString(out.resolve("profile.json"))).getAsJsonObject();
        JsonObject ops = report.getAsJsonObject("ops");
        // the MLP's four linear layers run one addmm each per step: the runs' set-up and evaluation cancel
        assertEquals(4.0, ops.getAsJsonObject("aten::addmm").get("calls").getAsDouble(), 1e-9);
        for (String op : ops.keySet()) {
            double calls = ops.getAsJsonObject(op).get("calls").getAsDouble();
            assertEquals(Math.rint(calls), calls, 1e-9, op + " runs a whole number of times per step");
        }
        assertTrue(report.get("stepMillisWithoutProfiler").getAsDouble() > 0);
        assertTrue(report.get("topLevelNativeOps").getAsDouble() < report.get("nativeOps").getAsDouble());
        assertTrue(Files.readString(out.resolve("profile.md")).contains("| `aten::addmm` | 4.0 |"));
        assertTrue(Files.notExists(out.resolve("trace-2n.json")), "the traces go unless --keep-traces");
    }

    @Test
    void aProfileFolderThatHoldsFilesIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path kept = Files.writeString(dir.resolve("notes.txt"), "mine");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = DebiasCli.standard().execute("bench", "--method", "erm", "--iterations", "5", "--profile", dir.toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("--profile " + dir + " already holds files"), captured.toString());
        assertEquals("mine", Files.readString(kept));
    }
}
