package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.debias.data.ColoredMnist;
import dev.debias.data.GroupedSplits;
import dev.debias.data.ImageFolderLayout;
import dev.debias.data.SyntheticDigits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class DebiasCliTest {

    /** Runs the command line, returning the exit code and what it printed on standard error. */
    private static Object[] run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = DebiasCli.standard().execute(args);
            return new Object[] {code, captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void describeReportsThePyTorchEngine() {
        assertEquals(0, run("describe")[0]);
    }

    @Test
    void unknownCommandMethodAndDatasetAreOneLineErrors() {
        Object[] command = run("fly");
        assertEquals(2, command[0]);
        assertTrue(((String) command[1]).contains("Unmatched argument at index 0: 'fly'"), (String) command[1]);

        Object[] method = run("train", "--method", "magic");
        assertEquals(2, method[0]);
        assertTrue(((String) method[1]).contains("unknown method 'magic'"), (String) method[1]);

        Object[] dataset = run("train", "--method", "erm", "--dataset", "/no/such/dir");
        assertEquals(2, dataset[0]);
        assertTrue(((String) dataset[1]).contains("unknown dataset '/no/such/dir'"), (String) dataset[1]);

        Object[] option = run("dataset", "--name", "cmnist", "--conflict-pct", "1", "--colour", "red");
        assertEquals(2, option[0]);
        assertTrue(((String) option[1]).contains("Unknown options: '--colour'"), (String) option[1]);

        Object[] misplaced = run("train", "--method", "lff", "--eta", "0.1");
        assertEquals(2, misplaced[0]);
        assertTrue(((String) misplaced[1]).contains("--eta applies to gdro only"), (String) misplaced[1]);

        Object[] selection = run("train", "--method", "erm", "--selection", "best-test");
        assertEquals(2, selection[0]);
        assertTrue(((String) selection[1]).contains("--selection': must be auto, worst-group"), (String) selection[1]);

        Object[] upweight = run("train", "--method", "jtt", "--upweight", "0");
        assertEquals(2, upweight[0]);
        assertTrue(((String) upweight[1]).contains("--upweight expects a whole number >= 1"), (String) upweight[1]);

        Object[] both = run("train", "--method", "erm", "--iterations", "5", "--epochs", "1");
        assertEquals(2, both[0]);
        assertEquals(1, ((String) both[1]).trim().split("\n").length);
    }

    /** Writes a small synthetic Colored MNIST (5 % conflicting, 20 % validation) in the folder layout. */
    static Path folderDataset(Path tmp) throws Exception {
        Path root = tmp.resolve("cmnist-5pct");
        try (GroupedSplits splits =
                ColoredMnist.builder()
                        .optConflictPercent(5)
                        .optValidationFraction(0.2)
                        .build()
                        .generate(SyntheticDigits.generate(600, 200, 3))) {
            ImageFolderLayout.write(root, splits);
        }
        return root;
    }

    /** MNIST-Correlation of synthetic digits in the folder layout: two subgroups in every class. */
    static Path twoSubgroupDataset(Path tmp) throws Exception {
        Path root = tmp.resolve("mnist-correlation-small");
        try (GroupedSplits splits =
                dev.debias.data.MnistCorrelation.builder()
                        .optGroupSizes(new long[] {40, 10, 10, 40})
                        .build()
                        .generate(SyntheticDigits.generate(600, 100, 3))) {
            ImageFolderLayout.write(root, splits);
        }
        return root;
    }

    @Test
    void translateWritesEveryTranslationLabelledWithItsTargetAndRefusesAFullFolder(@TempDir Path tmp) throws Exception {
        Path data = twoSubgroupDataset(tmp);
        Path out = tmp.resolve("translate");
        Object[] result = run(
                "translate", "--dataset", data.toString(), "--class", "1", "--from", "0", "--to", "1",
                "--steps", "2", "--out", out.toString(), "--quiet");
        assertEquals(0, result[0], (String) result[1]);
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("translation.json"))).getAsJsonObject();
        // (odd, clean) holds 5 training images
        assertEquals(5, json.get("translatedImages").getAsInt());
        assertEquals("1", json.get("to").getAsString());
        assertTrue(Files.isRegularFile(out.resolve("grid.png")));
        assertTrue(Files.isRegularFile(out.resolve("translators").resolve("translators.json")));
        java.util.List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertTrue(history.get(0).contains("term.cycle") && history.get(0).contains("term.discriminator"), history.get(0));
        assertTrue(history.size() >= 2 && history.get(history.size() - 1).startsWith("cyclegan,2,"), history.toString());
        assertTrue(Files.notExists(out.resolve("checkpoints")), "a finished run removes its checkpoints");
        java.util.List<Path> images;
        try (var files = Files.walk(out.resolve("translated"))) {
            images = files.filter(p -> p.toString().endsWith(".png")).toList();
        }
        assertEquals(5, images.size());
        for (Path image : images) {
            int[] labels = ImageFolderLayout.parseLabels(image);
            assertEquals(1, labels[0], image.toString());
            assertEquals(1, labels[1], image.toString());
        }
        Object[] again = run(
                "translate", "--dataset", data.toString(), "--class", "1", "--from", "0", "--to", "1",
                "--steps", "2", "--out", out.toString(), "--quiet");
        assertEquals(2, again[0]);
        assertTrue(((String) again[1]).contains("already holds files"), (String) again[1]);

        // the saved generators translate the same images to the same pixels, and nothing is trained
        Path reused = tmp.resolve("reused");
        Object[] saved = run(
                "translate", "--dataset", data.toString(), "--class", "1", "--from", "0", "--to", "1",
                "--translators", out.resolve("translators").toString(), "--out", reused.toString(), "--quiet");
        assertEquals(0, saved[0], (String) saved[1]);
        for (Path image : images) {
            Path twin = reused.resolve(out.relativize(image));
            assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(twin), twin.toString());
        }
        JsonObject reusedJson = JsonParser.parseString(Files.readString(reused.resolve("translation.json"))).getAsJsonObject();
        assertEquals(out.resolve("translators").toAbsolutePath().toString(), reusedJson.get("translators").getAsString());
        assertTrue(Files.notExists(reused.resolve("translators")) && Files.notExists(reused.resolve("history.csv")));

        Object[] otherClass = run(
                "translate", "--dataset", data.toString(), "--class", "0", "--from", "0", "--to", "1",
                "--translators", out.resolve("translators").toString(), "--out", tmp.resolve("other").toString(), "--quiet");
        assertEquals(2, otherClass[0]);
        assertTrue(((String) otherClass[1]).contains("holds no CycleGAN for class 0 from 0 to 1"), (String) otherClass[1]);
        assertTrue(Files.notExists(tmp.resolve("other")));

        Object[] nothingToResume = run(
                "translate", "--dataset", data.toString(), "--class", "1", "--from", "0", "--to", "1",
                "--steps", "2", "--out", tmp.resolve("fresh").toString(), "--resume", "--quiet");
        assertEquals(2, nothingToResume[0]);
        assertTrue(((String) nothingToResume[1]).contains("holds no stopped translate run"), (String) nothingToResume[1]);
        Object[] resumeSaved = run(
                "translate", "--dataset", data.toString(), "--class", "1", "--from", "0", "--to", "1",
                "--translators", out.resolve("translators").toString(), "--out", tmp.resolve("fresh").toString(),
                "--resume", "--quiet");
        assertEquals(2, resumeSaved[0]);
        assertTrue(((String) resumeSaved[1]).contains("--translators trains none"), (String) resumeSaved[1]);
        assertTrue(Files.notExists(tmp.resolve("fresh")));

        Object[] mixed = run(
                "translate", "--dataset", data.toString(), "--class", "1", "--from", "0", "--to", "1",
                "--translators", out.resolve("translators").toString(), "--generator-lr", "0.01",
                "--out", tmp.resolve("mixed").toString(), "--quiet");
        assertEquals(2, mixed[0]);
        assertTrue(((String) mixed[1]).contains("cannot be given with it"), (String) mixed[1]);
        assertTrue(Files.notExists(tmp.resolve("mixed")));
    }

    @Test
    void camelNamesAClassWithMoreThanTwoSubgroups(@TempDir Path tmp) throws Exception {
        Object[] result = run(
                "train", "--method", "camel", "--dataset", folderDataset(tmp).toString(), "--iterations", "2",
                "--cyclegan-steps", "1", "--out", tmp.resolve("camel").toString(), "--quiet");
        assertEquals(2, result[0]);
        assertTrue(((String) result[1]).contains("exactly two subgroups"), (String) result[1]);
    }

    @Test
    void camelsOracleStageOneIsRefusedWhereNoExactTranslationsExistAndNamesABadChoice(@TempDir Path tmp) throws Exception {
        String dataset = twoSubgroupDataset(tmp).toString();
        Object[] folder = run(
                "train", "--method", "camel", "--dataset", dataset, "--iterations", "2",
                "--stage1=oracle", "--out", tmp.resolve("oracle").toString(), "--quiet");
        assertEquals(2, folder[0]);
        assertTrue(((String) folder[1]).contains("--stage1=oracle needs a dataset whose exact translations are known"),
                (String) folder[1]);
        Object[] unknown = run(
                "train", "--method", "camel", "--dataset", dataset, "--iterations", "2",
                "--stage1=pix2pix", "--out", tmp.resolve("unknown").toString(), "--quiet");
        assertEquals(2, unknown[0]);
        assertTrue(((String) unknown[1]).contains("--stage1 expects cyclegan or oracle, got 'pix2pix'"), (String) unknown[1]);
    }

    @Test
    void camelResumesARunStoppedBetweenItsStagesAndRefusesToTrainOverItsTranslators(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("camel");
        String[] base = {"train", "--method", "camel", "--dataset", twoSubgroupDataset(tmp).toString(), "--iterations", "4",
            "--eval-every", "2", "--batch-size", "8", "--cyclegan-steps", "2", "--out", out.toString(), "--quiet"};
        assertEquals(0, run(base)[0]);
        Path checkpoints = out.resolve(TrainCommand.CHECKPOINTS);
        Path stageOne = checkpoints.resolve("stage1");
        // One CycleGAN per class of the folder dataset, checkpointed inside the run's checkpoints.
        assertTrue(dev.debias.train.PhasedRun.hasCheckpoints(stageOne.resolve("class-0")), "stage 1's checkpoints");
        assertTrue(dev.debias.train.PhasedRun.hasCheckpoints(stageOne.resolve("class-1")), "stage 1's checkpoints");
        // As if stopped after stage 1 and before stage 2's first checkpoint, translators not yet saved.
        try (var parts = Files.list(checkpoints)) {
            for (Path part : parts.filter(p -> !p.equals(stageOne)).toList()) {
                dev.debias.io.AtomicFiles.deleteRecursively(part);
            }
        }
        dev.debias.io.AtomicFiles.deleteRecursively(out.resolve(CamelMethod.TRANSLATORS));
        Files.delete(out.resolve("metrics.json"));
        assertTrue(MethodRegistry.get("camel").resumable(checkpoints));
        assertFalse(MethodRegistry.get("erm").resumable(checkpoints));
        Object[] resumed = run(concat(base, "--resume"));
        assertEquals(0, resumed[0], (String) resumed[1]);
        JsonObject metrics = JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        assertEquals(4, metrics.get("steps").getAsInt());
        assertEquals("2", metrics.getAsJsonObject("methodOptions").get("cyclegan-steps").getAsString());
        assertTrue(Files.isRegularFile(out.resolve(CamelMethod.TRANSLATORS).resolve("translators.json")));
        Object[] fresh = run(concat(base, "--overwrite"));
        assertEquals(2, fresh[0]);
        assertTrue(((String) fresh[1]).contains("holds the translators of an earlier run"), (String) fresh[1]);
    }

    @Test
    void camelSeedsOfMnistCorrelationShareTheLowestSeedsTranslators(@TempDir Path runs) throws Exception {
        Path first = MnistCorrelationTable.runDir(runs, "camel", 0);
        Path second = MnistCorrelationTable.runDir(runs, "camel", 1);
        Path third = MnistCorrelationTable.runDir(runs, "camel", 2);
        assertEquals(Map.of(), MethodRegistry.get("camel").mnistCorrelationOptions(runs, first), "nothing to share yet");
        for (Path run : List.of(third, first)) {
            Files.createDirectories(run.resolve(CamelMethod.TRANSLATORS));
            Files.writeString(run.resolve(CamelMethod.TRANSLATORS).resolve("translators.json"), "{}");
        }
        Files.createDirectories(second.resolve(CamelMethod.TRANSLATORS)); // stage 1 not finished: no index
        assertEquals(Map.of("translators", first.resolve(CamelMethod.TRANSLATORS).toString()),
                MethodRegistry.get("camel").mnistCorrelationOptions(runs, second));
        assertEquals(Map.of("translators", third.resolve(CamelMethod.TRANSLATORS).toString()),
                MethodRegistry.get("camel").mnistCorrelationOptions(runs, first), "a run never reuses its own");
        assertEquals(Map.of(), MethodRegistry.get("gdro").mnistCorrelationOptions(runs, second));
    }

    @Test
    void jttReportsHowManyConflictingSamplesItsErrorSetFound(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("jtt");
        Object[] result =
                run(
                        "train", "--method", "jtt", "--dataset", folderDataset(tmp).toString(),
                        "--identification-epochs", "2", "--upweight", "auto", "--iterations", "4", "--batch-size", "32",
                        "--out", out.toString(), "--quiet");
        assertEquals(0, result[0], (String) result[1]);
        JsonObject metrics =
                JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        int size = metrics.get("errorSetSize").getAsInt();
        JsonObject composition = metrics.getAsJsonObject("errorSetComposition");
        int found = composition.get("conflicting").getAsInt();
        int conflicting = composition.get("trainingConflicting").getAsInt();
        // 5 % of the 480 training digits, per class rounded by the colour blocks
        assertTrue(conflicting >= 20 && conflicting <= 28, "conflicting training samples: " + conflicting);
        assertTrue(size > 0 && found <= size && found <= conflicting, found + " of " + size);
        assertEquals((double) found / size, composition.get("precision").getAsDouble(), 1e-12);
        assertEquals((double) found / conflicting, composition.get("recall").getAsDouble(), 1e-12);
        int training = metrics.getAsJsonObject("validation").get("count").getAsInt() * 4; // 80 / 20 split
        assertEquals(Math.max(0, (training - size) / size - 1), metrics.get("upweight").getAsInt());
    }

    @Test
    void trainsOnAFolderLayoutDatasetAndWritesMetrics(@TempDir Path tmp) throws Exception {
        Path root = folderDataset(tmp);
        Path out = tmp.resolve("run");
        Object[] result =
                run(
                        "train", "--method", "gdro", "--dataset", root.toString(), "--iterations", "12",
                        "--eval-every", "6", "--batch-size", "32", "--selection", "unbiased", "--out", out.toString(),
                        "--quiet");
        assertEquals(0, result[0], (String) result[1]);
        JsonObject metrics =
                JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        for (String split : new String[] {"test", "validation"}) {
            JsonObject m = metrics.getAsJsonObject(split);
            for (String key :
                    new String[] {
                        "averageAccuracy", "worstGroupAccuracy", "unbiasedAccuracy", "alignedAccuracy", "conflictingAccuracy"
                    }) {
                double v = m.get(key).getAsDouble();
                assertTrue(v >= 0 && v <= 1, split + "." + key + " = " + v);
            }
            assertEquals(100, m.getAsJsonArray("groups").size());
        }
        assertEquals(200, metrics.getAsJsonObject("test").get("count").getAsInt());
        assertEquals("UNBIASED", metrics.getAsJsonObject("selection").get("rule").getAsString());
        assertTrue(Files.isDirectory(out.resolve("checkpoints").resolve("train").resolve("last")));
        assertTimingAddsUp(metrics.getAsJsonObject("timing"), 12);
    }

    /** The end-to-end timing of a fresh run: its parts fit in the total, the phases in training. */
    private static void assertTimingAddsUp(JsonObject timing, long steps) {
        double parts = 0;
        for (String part : new String[] {"data", "setup", "training", "test", "output"}) {
            double seconds = timing.get(part + "Seconds").getAsDouble();
            assertTrue(seconds >= 0, part + ": " + timing);
            parts += seconds;
        }
        assertTrue(parts <= timing.get("totalSeconds").getAsDouble() + 1e-9, timing.toString());
        assertFalse(timing.get("resumed").getAsBoolean());
        JsonObject phases = timing.getAsJsonObject("phases");
        assertEquals(steps, phases.get("measuredSteps").getAsLong() + phases.get("warmupSteps").getAsLong());
        assertTrue(phases.get("loopSeconds").getAsDouble() <= timing.get("trainingSeconds").getAsDouble(), timing.toString());
        assertTrue(
                phases.get("measuredStepSeconds").getAsDouble() + phases.get("validationSeconds").getAsDouble()
                                + phases.get("checkpointSeconds").getAsDouble()
                        <= phases.get("loopSeconds").getAsDouble(),
                timing.toString());
        assertTrue(phases.get("validationSeconds").getAsDouble() > 0 && phases.get("checkpointSeconds").getAsDouble() > 0,
                timing.toString());
    }

    /** Writes the two numbers the reproduction table reads from a run's metrics.json. */
    private static void fakeRun(Path runs, String name, double finalAccuracy, double selectedAccuracy) throws Exception {
        Path dir = Files.createDirectories(runs.resolve(name));
        Files.writeString(
                dir.resolve("metrics.json"),
                "{\"test\": {\"unbiasedAccuracy\": " + finalAccuracy + "}, \"selection\": {\"test\":"
                        + " {\"unbiasedAccuracy\": " + selectedAccuracy + "}}}");
    }

    @Test
    void reproduceTabulatesMeanAndStdAndMarksTheTargets(@TempDir Path runs) throws Exception {
        // Group DRO at 1 %: published 71.3. Final 50/52/54 (mean 52, std 2: far below), selected
        // 68/70/72 (mean 70, std 2: within two standard deviations).
        double[][] accuracies = {{0.50, 0.68}, {0.52, 0.70}, {0.54, 0.72}};
        for (int seed = 0; seed < 3; seed++) {
            fakeRun(runs, "gdro-1-s" + seed, accuracies[seed][0], accuracies[seed][1]);
        }
        Object[] result =
                run("reproduce", "--runs", runs.toString(), "--methods", "gdro", "--conflict-pcts", "1",
                        "--report-only");
        assertEquals(0, result[0], (String) result[1]);
        String[] tables = Files.readString(runs.resolve("summary.md")).split("Colored MNIST, ");
        assertEquals(4, tables.length); // text before the first caption, then three tables
        assertTrue(tables[1].contains("| gdro | 52.0 ± 2.0 (3) ✗ | 71.3 |"), tables[1]);
        assertTrue(tables[2].contains("| gdro | 70.0 ± 2.0 (3) ✓ | 71.3 |"), tables[2]);
        assertTrue(tables[3].startsWith("unbiased test accuracy (%) of the model each paper reports"), tables[3]);
        assertTrue(tables[3].contains("| gdro | 70.0 ± 2.0 (3) ✓ | 71.3 |"), tables[3]);
    }

    @Test
    void mnistCorrelationSummaryKeepsTheSeedsOfEarlierRuns(@TempDir Path runs) throws Exception {
        // ERM seeds 0 and 1 finished in separate invocations; asking for seed 1 alone must not drop seed 0.
        double[][] accuracies = {{0.60, 0.20}, {0.62, 0.10}};
        for (int seed = 0; seed < 2; seed++) {
            String test = "{\"averageAccuracy\": " + accuracies[seed][0] + ", \"worstGroupAccuracy\": "
                    + accuracies[seed][1] + ", \"subgroupGap\": 0.5}";
            Path dir = Files.createDirectories(MnistCorrelationTable.runDir(runs, "erm", seed));
            Files.writeString(dir.resolve("metrics.json"), "{\"test\": " + test + ", \"selection\": {\"test\": " + test + "}}");
        }
        Object[] result =
                run("reproduce", "--dataset", "mnist-correlation", "--runs", runs.toString(), "--methods", "erm",
                        "--seeds", "1", "--report-only");
        assertEquals(0, result[0], (String) result[1]);
        String summary = Files.readString(runs.resolve("summary.md"));
        assertTrue(summary.contains("| erm | 61.0 ± 1.4 (2) | 15.0 ± 7.1 (2) | 50.0 ± 0.0 (2) |"), summary);
        assertTrue(summary.contains("| camel | — | — | — |"), summary);
    }

    @Test
    void everyRegisteredMethodTrainsThroughTheCommandLine(@TempDir Path tmp) throws Exception {
        Path root = folderDataset(tmp);
        Path twoSubgroups = twoSubgroupDataset(tmp);
        for (MethodEntry entry : MethodRegistry.entries()) {
            Path out = tmp.resolve(entry.name());
            // CAMEL translates between the two subgroups of each class: Colored MNIST has ten
            Path data = entry.name().equals("camel") ? twoSubgroups : root;
            java.util.List<String> args =
                    new java.util.ArrayList<>(java.util.List.of(
                            "train", "--method", entry.name(), "--dataset", data.toString(), "--iterations", "6",
                            "--eval-every", "3", "--batch-size", "32", "--out", out.toString(), "--quiet"));
            if (entry.options().containsKey("identification-epochs")) {
                args.addAll(java.util.List.of("--identification-epochs", "1"));
            }
            // The short-run options demo uses (e.g. DCWP shortens its earlier phases).
            entry.demoOptions(6).forEach((name, value) -> args.addAll(java.util.List.of("--" + name, value)));
            Object[] result = run(args.toArray(new String[0]));
            assertEquals(0, result[0], entry.name() + ": " + result[1]);
            JsonObject metrics = JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
            assertEquals(6, metrics.get("steps").getAsInt(), entry.name());
            JsonObject settings = metrics.getAsJsonObject("settings");
            assertEquals(entry.name(), metrics.get("method").getAsString());
            assertTrue(settings.has("method"), settings.toString());
            assertEquals(32, settings.getAsJsonObject("training").get("batchSize").getAsInt());
            assertEquals(3, settings.getAsJsonObject("training").get("evaluateEvery").getAsInt());
            JsonObject manifest = metrics.getAsJsonObject("manifest");
            assertEquals("0.1.0-SNAPSHOT", manifest.get("debiasVersion").getAsString());
            assertEquals("0.35.1", manifest.get("djl").getAsString());
            assertEquals("2.7.1", manifest.get("pytorch").getAsString());
            assertEquals("cpu()", manifest.get("device").getAsString());
            assertEquals(List.of("debias", "train", "--method", entry.name()),
                    new Gson().fromJson(manifest.get("commandLine"), List.class).subList(0, 4));
            assertTrue(manifest.get("started").getAsString().compareTo(manifest.get("ended").getAsString()) <= 0);
        }
    }

    @Test
    void resumeAndOverwriteAreExplicit(@TempDir Path tmp) throws Exception {
        String data = folderDataset(tmp).toString();
        String out = tmp.resolve("run").toString();
        String[] base = {"train", "--method", "erm", "--dataset", data, "--iterations", "6", "--eval-every", "3",
            "--batch-size", "32", "--out", out, "--quiet"};
        Object[] nothing = run(concat(base, "--resume"));
        assertEquals(2, nothing[0]);
        assertTrue(((String) nothing[1]).contains("nothing to resume"), (String) nothing[1]);
        assertEquals(0, run(base)[0]);
        Object[] again = run(base);
        assertEquals(2, again[0]);
        assertTrue(((String) again[1]).contains("already holds the checkpoints of a run"), (String) again[1]);
        Object[] changed = run(concat(base, "--resume", "--lr", "0.01"));
        assertEquals(2, changed[0]);
        assertTrue(((String) changed[1]).contains("training.optimizer.learningRate: 0.001 -> 0.01"), (String) changed[1]);
        assertEquals(0, run(concat(base, "--overwrite"))[0]);
        String[] longer = base.clone();
        longer[6] = "9";
        longer[8] = "9";
        Object[] resumed = run(concat(longer, "--resume"));
        assertEquals(0, resumed[0], (String) resumed[1]);
        JsonObject metrics =
                JsonParser.parseString(Files.readString(Path.of(out).resolve("metrics.json"))).getAsJsonObject();
        assertEquals(9, metrics.get("steps").getAsInt());
        // Continued for longer with a new evaluation cadence: steps 3 and 6 from the first run, 9 from this one.
        List<String> evaluated = Files.readAllLines(Path.of(out).resolve("checkpoints").resolve("history.csv")).stream()
                .skip(1)
                .map(line -> line.split(",")[1])
                .toList();
        assertEquals(List.of("3", "6", "9"), evaluated);
    }

    private static String[] concat(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    @Test
    void everyCommandHasHelpAndTheToolAVersion() {
        for (String command : new String[] {"describe", "dataset", "train", "bench", "demo", "reproduce", "audit"}) {
            PrintStream out = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = DebiasCli.standard().execute(command, "--help");
            } finally {
                System.setOut(out);
            }
            String help = captured.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, command);
            assertTrue(help.contains("Usage: debias " + command), help);
        }
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, DebiasCli.standard().execute("--version"));
            assertEquals(0, DebiasCli.standard().execute("train", "-h"));
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("debias 0.1.0-SNAPSHOT"), text);
        // train's help lists every method option, the backbones and --quiet
        for (String option : new String[] {"--eta", "--q", "--ema-alpha", "--upweight", "--lambda-dis", "--swap-start",
            "--quiet", "resnet18-small", "--overwrite"}) {
            assertTrue(text.contains(option), option + " missing from train --help");
        }
    }

    @Test
    void numbersAreNeverTruncatedAndFlagsNotRepeated() {
        Object[] overflow = run("train", "--method", "erm", "--batch-size", "4294967552");
        assertEquals(2, overflow[0]);
        assertTrue(((String) overflow[1]).contains("'4294967552' is not an int"), (String) overflow[1]);
        Object[] severity = run("dataset", "--name", "cmnist", "--conflict-pct", "1", "--severity", "4294967300");
        assertEquals(2, severity[0]);
        assertTrue(((String) severity[1]).contains("is not an int"), (String) severity[1]);
        Object[] zero = run("train", "--method", "erm", "--iterations", "0");
        assertEquals(2, zero[0]);
        assertTrue(((String) zero[1]).contains("--iterations and --epochs must be at least 1"), (String) zero[1]);
        Object[] twice = run("train", "--method", "erm", "--seed", "1", "--seed", "2");
        assertEquals(2, twice[0]);
        assertTrue(((String) twice[1]).contains("should be specified only once"), (String) twice[1]);
        Object[] typo = run("train", "--method", "erm", "--iteratons", "5");
        assertEquals(2, typo[0]);
        assertTrue(((String) typo[1]).contains("--iterations"), (String) typo[1]);
    }

    @Test
    void anOutputThatCannotTakeTheResultsIsRefusedBeforeTraining(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Object[] result = run("train", "--method", "erm", "--allow-synthetic", "--out", file.toString());
        assertEquals(2, result[0]);
        assertTrue(((String) result[1]).contains("is a file, not a folder"), (String) result[1]);
        Path taken = Files.createDirectories(tmp.resolve("run").resolve("metrics.json"));
        result = run("train", "--method", "erm", "--allow-synthetic", "--out", taken.getParent().toString());
        assertEquals(2, result[0]);
        assertTrue(((String) result[1]).contains("is not a file"), (String) result[1]);
        assertEquals("x", Files.readString(file));
    }

    @Test
    void auditReloadsTheSelectedModelWithPlainDjlAndReportsWhatTheRunMeasured(@TempDir Path tmp) throws Exception {
        String data = folderDataset(tmp).toString();
        for (String method : new String[] {"gdro", "disent", "dcwp"}) {
            Path out = tmp.resolve(method);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                    "train", "--method", method, "--dataset", data, "--iterations", "12", "--eval-every", "4",
                    "--batch-size", "32", "--selection", "unbiased", "--out", out.toString(), "--quiet"));
            MethodRegistry.get(method).demoOptions(12).forEach((name, value) -> args.addAll(java.util.List.of("--" + name, value)));
            assertEquals(0, run(args.toArray(new String[0]))[0], method);
            Object[] audit = run("audit", "--model", out.toString(), "--dataset", data);
            assertEquals(0, audit[0], (String) audit[1]);
            JsonObject report = JsonParser.parseString(Files.readString(out.resolve("audit").resolve("audit.json"))).getAsJsonObject();
            JsonObject metrics = JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
            assertEquals(
                    metrics.getAsJsonObject("selection").getAsJsonObject("test").get("unbiasedAccuracy").getAsDouble(),
                    report.get("unbiasedAccuracy").getAsDouble(), 1e-12, method);
            assertTrue(Files.size(out.resolve("audit").resolve("audit.png")) > 0);
            assertTrue(Files.isRegularFile(out.resolve("audit").resolve("audit.csv")));
        }
        Path gdro = tmp.resolve("gdro");
        Object[] valid = run("audit", "--model", gdro.toString(), "--dataset", data, "--split", "valid", "--out", tmp.resolve("valid").toString());
        assertEquals(0, valid[0], (String) valid[1]);
        JsonObject validReport = JsonParser.parseString(Files.readString(tmp.resolve("valid").resolve("audit.json"))).getAsJsonObject();
        JsonObject gdroMetrics = JsonParser.parseString(Files.readString(gdro.resolve("metrics.json"))).getAsJsonObject();
        assertEquals(
                gdroMetrics.getAsJsonObject("selection").getAsJsonObject("validation").get("unbiasedAccuracy").getAsDouble(),
                validReport.get("unbiasedAccuracy").getAsDouble(), 1e-12);
        Object[] split = run("audit", "--model", gdro.toString(), "--dataset", data, "--split", "dev");
        assertEquals(2, split[0]);
        assertTrue(((String) split[1]).contains("--split expects train, valid or test, got 'dev'"), (String) split[1]);
        Object[] missing = run("audit", "--model", tmp.resolve("nothing").toString());
        assertEquals(2, missing[0]);
        assertTrue(((String) missing[1]).contains("has no metrics.json"), (String) missing[1]);
    }

    @Test
    void trainsOnAMetadataCsvEndToEnd(@TempDir Path tmp) throws Exception {
        StringBuilder csv = new StringBuilder("img_filename,y,place,split\n");
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 240; i++) {
            int y = i % 2;
            int split = i < 160 ? 0 : i < 200 ? 1 : 2;
            int place = split == 0 ? (random.nextDouble() < 0.9 ? y : 1 - y) : (i / 2) % 2;
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < 64; p++) {
                int red = place == 1 ? 200 : 20;
                int green = y == 1 ? 40 + random.nextInt(40) : random.nextInt(40);
                image.setRGB(p % 8, p / 8, (red << 16) | (green << 8) | 30);
            }
            String name = "img" + i + ".png";
            javax.imageio.ImageIO.write(image, "png", tmp.resolve(name).toFile());
            csv.append(name).append(',').append(y).append(',').append(place).append(',').append(split).append('\n');
        }
        Path metadata = Files.writeString(tmp.resolve("metadata.csv"), csv.toString());
        Path out = tmp.resolve("run");
        Object[] result = run("train", "--method", "erm", "--dataset", metadata.toString(), "--iterations", "10",
                "--eval-every", "5", "--batch-size", "32", "--out", out.toString(), "--quiet");
        assertEquals(0, result[0], (String) result[1]);
        JsonObject metrics = JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        assertEquals(40, metrics.getAsJsonObject("test").get("count").getAsInt());
        assertEquals("rows of split 1 of the metadata CSV", metrics.get("validationSplit").getAsString());
    }
}
