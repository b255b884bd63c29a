package dev.debias.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedSplits;
import dev.debias.data.ImageCodec;
import dev.debias.data.ImageFolderLayout;
import dev.debias.gan.cyclegan.AdversarialLoss;
import dev.debias.gan.cyclegan.CycleGanConfig;
import dev.debias.gan.cyclegan.CycleGanTrainer;
import dev.debias.gan.cyclegan.CycleGanTranslator;
import dev.debias.io.AtomicFiles;
import dev.debias.metrics.GroupMetricsReport;
import dev.debias.ndarray.Scalars;
import dev.debias.train.HistoryFiles;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.PhasedRun;
import dev.debias.train.TrainingConfig;
import dev.debias.train.TrainingResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code debias translate}: trains one CycleGAN between two subgroups of a class (CAMEL's stage 1)
 * and writes what it learned where anyone can look at it and measure it: {@code grid.png}
 * (originals, translations, cycle reconstructions), every translated source image in the
 * align/conflict folder layout labelled with its target attribute ({@code translated/}), the
 * generators ({@code translators/}, reusable by {@code train --method camel --translators}) and
 * {@code translation.json}. With {@code --translators DIR} it translates with saved generators
 * instead (e.g. the stage-1 translators of a CAMEL run, on the test split). It also measures the
 * translations ({@link TranslationQuality}): on Colored MNIST how many take the target colour and
 * how many a classifier of grey digits still reads as the source digit; on MNIST-Correlation how
 * many a reader of zigzags takes for the target subgroup and how many a reader of digits gives the
 * source's parity. While it trains, the CycleGAN's checkpoints are in {@code <out>/checkpoints}
 * (every tenth of the steps, and at the step where SIGTERM or Ctrl-C stopped it); {@code --resume}
 * continues from them, and a finished run removes them.
 */
@Command(
        name = "translate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains a CycleGAN between two subgroups of a class (CAMEL's stage 1) and writes a PNG grid,",
            "the translated images in the folder layout, the generators and translation.json."
        })
public final class TranslateCommand implements Callable<Integer> {

    @Option(names = "--dataset", paramLabel = "cmnist|mnist-correlation|DIR", description = "the images (default: ${DEFAULT-VALUE})")
    private String dataset = ExperimentData.COLORED_MNIST;

    @Option(names = "--split", paramLabel = "train|valid|test", description = "the split whose images are translated (default: ${DEFAULT-VALUE})")
    private String split = "train";

    @Option(names = "--class", paramLabel = "C", description = "the class, or 'all' for one class-agnostic CycleGAN (default: all on mnist-correlation)")
    private String label;

    @Option(names = "--from", required = true, paramLabel = "A", description = "the source subgroup (attribute index or name)")
    private String from;

    @Option(names = "--to", required = true, paramLabel = "B", description = "the target subgroup (attribute index or name)")
    private String to;

    @Option(names = "--steps", paramLabel = "N", description = "CycleGAN steps (default: ${DEFAULT-VALUE})")
    private long steps = 2_000;

    @Option(names = "--conflict-pct", paramLabel = "P", description = "Colored MNIST's conflicting percentage (default: ${DEFAULT-VALUE})")
    private double conflictPercent = 1.0;

    @Option(names = "--seed", paramLabel = "S", description = "seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--generator-lr", paramLabel = "LR", description = "the generators' learning rate (default: the preset's)")
    private Float generatorRate;

    @Option(names = "--discriminator-lr", paramLabel = "LR", description = "the discriminators' learning rate (default: the preset's)")
    private Float discriminatorRate;

    @Option(names = "--adversarial", paramLabel = "bce|lsgan|wgan", description = "the adversarial loss (default: the preset's)")
    private AdversarialLoss adversarial;

    @Option(names = "--augmentation", paramLabel = "none|mnist|flip_crop", description = "the augmentation of the training images (default: the preset's)")
    private CycleGanConfig.Augmentation augmentation;

    @Option(names = "--translators", paramLabel = "DIR", description = "translate with saved generators (a translators/ folder) instead of training a CycleGAN")
    private Path savedTranslators;

    @Option(names = "--eval-mode", description = "translate with the generators in inference mode (the reference uses training mode)")
    private boolean evalMode;

    @Option(names = "--allow-synthetic", description = "fall back to built-in synthetic digits without MNIST")
    private boolean allowSynthetic;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (absent or empty; with --resume, a stopped run's)")
    private Path out;

    @Option(names = "--resume", description = "continue the stopped CycleGAN training whose checkpoints are in --out")
    private boolean resume;

    @Option(names = "--quiet", description = "no progress bar")
    private boolean quiet;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (steps < 1) {
            throw new CliException("--steps must be >= 1, got " + steps);
        }
        Path checkpoints = out.resolve(TrainCommand.CHECKPOINTS);
        if (resume) {
            if (savedTranslators != null) {
                throw new CliException("--resume continues a CycleGAN's training; --translators trains none");
            }
            if (!PhasedRun.hasCheckpoints(checkpoints)) {
                throw new CliException("--resume: " + out + " holds no stopped translate run (no checkpoint under " + checkpoints + ")");
            }
        } else if (PhasedRun.hasCheckpoints(checkpoints)) {
            throw new CliException("--out " + out + " holds the checkpoints of a stopped translate run: add --resume to continue it,"
                    + " or choose another folder");
        } else {
            OutputFolders.requireAbsentOrEmpty(out, "--out");
        }
        if (savedTranslators != null && (generatorRate != null || discriminatorRate != null || adversarial != null || augmentation != null)) {
            throw new CliException("--translators translates with saved generators: --generator-lr, --discriminator-lr,"
                    + " --adversarial and --augmentation train a CycleGAN and cannot be given with it");
        }
        try (ExperimentData.Loaded data = ExperimentData.load(dataset, conflictPercent, 4, seed, 0.1, allowSynthetic)) {
            GroupedArrayDataset images = images(data);
            GroupSpec spec = images.groupSpec();
            if (label == null && data.translationDomains() == null) {
                throw new CliException("--class is required on this dataset (a class index or name, or 'all')");
            }
            int c = label == null ? CycleGanTrainer.ALL_CLASSES : parseClass(spec);
            int a = parseAttribute(spec, from, "--from");
            int b = parseAttribute(spec, to, "--to");
            System.out.println("data: " + data.description() + ", split " + split);
            Shape shape = images.sampleShape();
            CycleGanConfig preset = configured(CycleGanConfig.forImages(shape, steps));
            TrainingConfig training = preset.training().toBuilder()
                    .optSeed(seed)
                    .optProgressBar(!quiet)
                    .optStopRequest(StopOnSignal.request())
                    .optCheckpointDir(savedTranslators == null ? checkpoints : null)
                    .optResume(resume)
                    .build();
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path work = Files.createTempDirectory(parent, "." + out.getFileName() + ".");
            CycleGanTrainer trainer = null;
            CycleGanTranslator loaded = null;
            try {
                JsonObject json = new JsonObject();
                json.addProperty("dataset", data.description());
                json.addProperty("split", split);
                json.addProperty("class", c == CycleGanTrainer.ALL_CLASSES ? "all" : spec.classNames().get(c));
                json.addProperty("from", spec.attributeNames().get(a));
                json.addProperty("to", spec.attributeNames().get(b));
                CycleGanTranslator translator;
                TrainingResult history = null;
                if (savedTranslators != null) {
                    loaded = CycleGanTranslator.load(savedTranslators, training.device(), evalMode);
                    if (!loaded.supports(c, a, b)) {
                        throw new CliException(savedTranslators + " holds no CycleGAN for "
                                + (c == CycleGanTrainer.ALL_CLASSES ? "all classes" : "class " + spec.classNames().get(c))
                                + " from " + spec.attributeNames().get(a) + " to " + spec.attributeNames().get(b) + "; it holds " + loaded);
                    }
                    translator = loaded;
                    json.addProperty("translators", savedTranslators.toAbsolutePath().toString());
                } else {
                    trainer = new CycleGanTrainer(preset.toBuilder().setTraining(training).build());
                    long started = System.nanoTime();
                    history = trainer.fit(images, c, a, b);
                    json.addProperty("steps", steps);
                    json.addProperty("trainingSeconds", (System.nanoTime() - started) / 1e9);
                    json.add("settings", preset.toBuilder().setTraining(training).build().describe());
                    translator = trainer.translator(evalMode);
                }
                int[] sources = members(images, c, a);
                Translations result = translate(translator, images, sources, c, a, b);
                byte[] originals = sourceImages(images, sources);
                json.addProperty("translatedImages", sources.length);
                json.addProperty("evalModeGenerators", evalMode);
                JsonObject quality = quality(data, c, originals, result, b);
                if (quality != null) {
                    json.add("quality", quality);
                    System.out.println("translation quality: " + quality);
                }
                Files.createDirectories(work);
                if (trainer != null) {
                    translator.save(work.resolve("translators"));
                    HistoryFiles.write(work, history.history());
                }
                writeGrid(work.resolve("grid.png"), images.sampleShape(), originals, result);
                GroupedArrayDataset translated = GroupedArrayDataset.builder()
                        .setImages(result.translated, shape)
                        .setLabels(result.labels)
                        .optAttributes(filled(result.labels.length, b))
                        .optGroupSpec(spec)
                        .build();
                ImageFolderLayout.write(work.resolve("translated"), new GroupedSplits(translated, null, null));
                GroupMetricsReport.writeJson(work.resolve("translation.json"), json);
                AtomicFiles.deleteRecursively(out);
                Files.move(work, out);
            } finally {
                if (trainer != null) {
                    trainer.close();
                }
                if (loaded != null) {
                    loaded.close();
                }
                AtomicFiles.deleteRecursively(work);
            }
            System.out.printf(Locale.ROOT, "wrote %s: grid.png, translated/, translation.json%s%n",
                    out, savedTranslators == null ? ", translators/, history.csv" : "");
        }
        return 0;
    }

    /** The measured quality of the translations, on the two datasets with a measure (else null). */
    private JsonObject quality(ExperimentData.Loaded data, int c, byte[] originals, Translations result, int target)
            throws java.io.IOException {
        if (ExperimentData.COLORED_MNIST.equals(dataset) && c != CycleGanTrainer.ALL_CLASSES) {
            return TranslationQuality.coloredMnist(originals, result.translated, result.reconstructed, result.labels, target, seed);
        }
        if (data.source() == ExperimentData.Source.MNIST_CORRELATION) {
            return TranslationQuality.mnistCorrelation(originals, result.translated, result.reconstructed, result.labels, target, seed);
        }
        return null;
    }

    /** The preset with the learning rates, adversarial loss and augmentation given on the command line. */
    private CycleGanConfig configured(CycleGanConfig preset) {
        CycleGanConfig.Builder builder = preset.toBuilder();
        if (generatorRate != null) {
            OptimizerConfig rate = preset.training().optimizer().toBuilder().optLearningRate(positive(generatorRate, "--generator-lr")).build();
            builder.setTraining(preset.training().toBuilder().optOptimizer(rate).build());
        }
        if (discriminatorRate != null) {
            builder.optDiscriminatorOptimizer(
                    preset.discriminatorOptimizer().toBuilder().optLearningRate(positive(discriminatorRate, "--discriminator-lr")).build());
        }
        if (adversarial != null) {
            builder.optAdversarialLoss(adversarial);
        }
        if (augmentation != null) {
            builder.optAugmentation(augmentation);
        }
        return builder.build();
    }

    private static float positive(float rate, String option) {
        if (!(rate > 0f) || Float.isInfinite(rate)) {
            throw new CliException(option + " must be a positive number, got " + rate);
        }
        return rate;
    }

    private GroupedArrayDataset images(ExperimentData.Loaded data) {
        if (data.translationDomains() != null && "train".equals(split)) {
            return data.translationDomains();
        }
        GroupedSplits splits = data.splits();
        return switch (split) {
            case "train" -> splits.train();
            case "valid" -> splits.validation().orElseThrow(() -> new CliException("the dataset has no validation split"));
            case "test" -> splits.test().orElseThrow(() -> new CliException("the dataset has no test split"));
            default -> throw new CliException("--split expects train, valid or test, got '" + split + "'");
        };
    }

    private int parseClass(GroupSpec spec) {
        if ("all".equals(label)) {
            return CycleGanTrainer.ALL_CLASSES;
        }
        return parseName(label, spec.classNames(), "--class");
    }

    private static int parseAttribute(GroupSpec spec, String value, String option) {
        return parseName(value, spec.attributeNames(), option);
    }

    private static int parseName(String value, List<String> names, String option) {
        int byName = names.indexOf(value);
        if (byName >= 0) {
            return byName;
        }
        try {
            int i = Integer.parseInt(value);
            if (i >= 0 && i < names.size()) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException(option + " '" + value + "' is none of " + names);
    }

    private static int[] members(GroupedArrayDataset images, int label, int attribute) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            if (images.attributes()[i] == attribute && (label == CycleGanTrainer.ALL_CLASSES || images.labels()[i] == label)) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static byte[] sourceImages(GroupedArrayDataset images, int[] sources) {
        int per = Math.toIntExact(images.sampleShape().size());
        byte[] raw = images.rawBytes();
        byte[] out = new byte[sources.length * per];
        for (int k = 0; k < sources.length; k++) {
            System.arraycopy(raw, sources[k] * per, out, k * per, per);
        }
        return out;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    /** The translations and cycle reconstructions of the source images, as uint8. */
    private record Translations(byte[] translated, byte[] reconstructed, int[] labels) {}

    private static Translations translate(
            CycleGanTranslator translator, GroupedArrayDataset images, int[] sources, int label, int a, int b) {
        int per = Math.toIntExact(images.sampleShape().size());
        byte[] translated = new byte[sources.length * per];
        byte[] reconstructed = new byte[sources.length * per];
        int[] labels = new int[sources.length];
        int chunk = 128;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int from = 0; from < sources.length; from += chunk) {
                int n = Math.min(chunk, sources.length - from);
                long[] idx = new long[n];
                for (int k = 0; k < n; k++) {
                    idx[k] = sources[from + k];
                    labels[from + k] = images.labels()[sources[from + k]];
                }
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = Scalars.mul(images.features(scope, idx), 1f / 255 / images.scale());
                    int cls = label == CycleGanTrainer.ALL_CLASSES ? labels[from] : label;
                    NDArray fake = translator.translate(x, cls, a, b);
                    NDArray back = translator.translate(fake, cls, b, a);
                    copy(fake.toFloatArray(), translated, from * per);
                    copy(back.toFloatArray(), reconstructed, from * per);
                }
            }
        }
        return new Translations(translated, reconstructed, labels);
    }

    private static void copy(float[] values, byte[] target, int offset) {
        for (int p = 0; p < values.length; p++) {
            target[offset + p] = (byte) Math.max(0, Math.min(255, (int) Math.floor(255f * values[p])));
        }
    }

    /** Writes up to 12 columns of (original, translation, reconstruction) rows. */
    private static void writeGrid(Path file, Shape shape, byte[] originals, Translations t) throws java.io.IOException {
        int channels = (int) shape.get(0);
        int h = (int) shape.get(1);
        int w = (int) shape.get(2);
        int per = channels * h * w;
        int columns = Math.min(12, t.labels.length);
        byte[] grid = new byte[channels * 3 * h * columns * w];
        for (int col = 0; col < columns; col++) {
            byte[][] rows = {
                Arrays.copyOfRange(originals, col * per, (col + 1) * per),
                Arrays.copyOfRange(t.translated, col * per, (col + 1) * per),
                Arrays.copyOfRange(t.reconstructed, col * per, (col + 1) * per)
            };
            for (int row = 0; row < 3; row++) {
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int target = c * (3 * h * columns * w) + (row * h + y) * (columns * w) + col * w + x;
                            grid[target] = rows[row][c * h * w + y * w + x];
                        }
                    }
                }
            }
        }
        ImageCodec.writePng(file, grid, 0, new Shape(channels, 3L * h, (long) columns * w));
    }
}
