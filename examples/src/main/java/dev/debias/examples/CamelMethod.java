package dev.debias.examples;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.MnistCorrelation;
import dev.debias.gan.cyclegan.CycleGanConfig;
import dev.debias.gan.cyclegan.CycleGanTrainer;
import dev.debias.gan.cyclegan.CycleGanTranslator;
import dev.debias.io.AtomicFiles;
import dev.debias.loss.SubgroupConsistencyLoss;
import dev.debias.train.CamelConfig;
import dev.debias.train.CamelTrainer;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.TrainingConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * CAMEL on the command line (Goel et al., "Model Patching", ICLR 2021): stage 1 trains the CycleGAN
 * translators (one class-agnostic pair on MNIST-Correlation's clean and zigzag images, else one per
 * class between its two subgroups of the training set), saves them under {@code
 * <out>/translators} and stage 2 trains {@link CamelTrainer} with {@link
 * CamelConfig#mnistCorrelation()}'s settings and the overrides. {@code --translators DIR} reuses
 * saved translators instead of stage 1; a resumed run reuses its own. {@code --stage1=oracle}
 * replaces stage 1 by MNIST-Correlation's exact translations ({@link
 * MnistCorrelation#oracleTranslator}), to measure stage 2 alone.
 */
final class CamelMethod implements MethodEntry {

    /** The folder of a run's translators inside its output folder. */
    static final String TRANSLATORS = "translators";

    /** Stage 1's default length. */
    static final long DEFAULT_CYCLEGAN_STEPS = 5_000;

    @Override
    public String name() {
        return "camel";
    }

    @Override
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("translators", "a folder of saved CycleGAN translators to use instead of training them (stage 1)");
        options.put("stage1", "cyclegan|oracle: stage 1's translators; oracle (MNIST-Correlation only, a diagnostic) renders"
                + " every image with its exact counterpart, the dataset's own zigzag added or removed (default cyclegan)");
        options.put("cyclegan-steps", "steps of each stage-1 CycleGAN (default " + DEFAULT_CYCLEGAN_STEPS + ")");
        options.put("lambda-c", "lambda_c, the weight of the subgroup-consistency term (preset 5)");
        options.put("consistency", "camel|triplet-js|kl|reverse-kl, the consistency variant (preset camel)");
        return options;
    }

    @Override
    public String defaultBackbone() {
        return "cnn-camel";
    }

    @Override
    public DebiasTrainer create(Request request) {
        MethodOptionValues o = new MethodOptionValues(request.options());
        CamelConfig preset = CamelConfig.mnistCorrelation();
        TrainingConfig stageTwo = request.training().apply(preset.training());
        if (stageTwo.resume() && !stageTwo.checkpointDir().map(dev.debias.train.PhasedRun::hasCheckpoints).orElse(false)) {
            // A run interrupted in stage 1 resumes there and starts stage 2 afresh.
            stageTwo = stageTwo.toBuilder().optResume(false).build();
        }
        CamelConfig.Builder b = preset.toBuilder().setTraining(stageTwo);
        if (o.has("lambda-c")) {
            double lambda = o.number("lambda-c");
            if (lambda < 0) {
                throw new CliException("--lambda-c must be >= 0, got " + lambda);
            }
            b.optConsistencyWeight((float) lambda);
        }
        if (o.has("consistency")) {
            String name = o.text("consistency").toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                b.optConsistency(SubgroupConsistencyLoss.Type.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new CliException("--consistency expects camel, triplet-js, kl or reverse-kl, got '" + o.text("consistency") + "'");
            }
        }
        String stageOne = o.has("stage1") ? o.text("stage1") : "cyclegan";
        switch (stageOne) {
            case "cyclegan":
                CycleGanTranslator translator = translators(request, o);
                return new CamelTrainer(b.build(), request.blocks()::get, request.inputShape(), translator).closing(translator);
            case "oracle":
                if (o.has("translators") || o.has("cyclegan-steps")) {
                    throw new CliException("--stage1=oracle trains no CycleGAN: drop --translators and --cyclegan-steps");
                }
                if (request.data().oracleTranslator() == null) {
                    throw new CliException("--stage1=oracle needs a dataset whose exact translations are known"
                            + " (mnist-correlation), not " + request.dataset());
                }
                return new CamelTrainer(b.build(), request.blocks()::get, request.inputShape(),
                        request.data().oracleTranslator().get());
            default:
                throw new CliException("--stage1 expects cyclegan or oracle, got '" + stageOne + "'");
        }
    }

    private static CycleGanTranslator translators(Request request, MethodOptionValues o) {
        TrainingConfig training = request.training().apply(CamelConfig.mnistCorrelation().training());
        try {
            if (o.has("translators")) {
                Path dir = Path.of(o.text("translators"));
                return CycleGanTranslator.load(dir, training.device(), false);
            }
            Path out = request.outputDirectory();
            if (out != null && Files.isRegularFile(out.resolve(TRANSLATORS).resolve(CycleGanTranslator.INDEX))) {
                if (training.resume()) {
                    return CycleGanTranslator.load(out.resolve(TRANSLATORS), training.device(), false);
                }
                throw new CliException(out.resolve(TRANSLATORS) + " holds the translators of an earlier run: resume that run,"
                        + " reuse them with --translators, or choose another folder");
            }
            long steps = o.has("cyclegan-steps") ? o.positiveInt("cyclegan-steps") : DEFAULT_CYCLEGAN_STEPS;
            Path saved = out != null ? out.resolve(TRANSLATORS) : Files.createTempDirectory("debias-translators");
            trainTranslators(request, steps, training, saved);
            try {
                return CycleGanTranslator.load(saved, training.device(), false);
            } finally {
                if (out == null) {
                    AtomicFiles.deleteRecursively(saved);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CAMEL's translators: " + e.getMessage(), e);
        }
    }

    /** Stage 1: trains the CycleGANs and saves them as one translator folder. */
    private static void trainTranslators(Request request, long steps, TrainingConfig stageTwo, Path saved)
            throws IOException {
        GroupedArrayDataset domains = request.data().translationDomains();
        List<CycleGanTrainer> trainers = new java.util.ArrayList<>();
        try {
            CycleGanTranslator.Builder all = CycleGanTranslator.builder();
            if (domains != null) {
                CycleGanTrainer trainer = stageOne(domains, steps, stageTwo, "all");
                trainers.add(trainer);
                trainer.fit(domains, CycleGanTrainer.ALL_CLASSES, MnistCorrelation.CLEAN, MnistCorrelation.ZIGZAG);
                trainer.addTo(all);
            } else {
                GroupedArrayDataset train = request.data().splits().train();
                GroupSpec spec = train.groupSpec();
                for (int c = 0; c < spec.numClasses(); c++) {
                    int[] pair = pairOf(train, c);
                    if (pair == null) {
                        continue;
                    }
                    CycleGanTrainer trainer = stageOne(train, steps, stageTwo, "class-" + c);
                    trainers.add(trainer);
                    trainer.fit(train, c, pair[0], pair[1]);
                    trainer.addTo(all);
                }
            }
            all.build().save(saved);
        } finally {
            trainers.forEach(CycleGanTrainer::close);
        }
    }

    private static CycleGanTrainer stageOne(GroupedArrayDataset images, long steps, TrainingConfig stageTwo, String name) {
        ai.djl.ndarray.types.Shape shape = images.sampleShape();
        CycleGanConfig preset = CycleGanConfig.forImages(shape, steps);
        TrainingConfig.Builder training = preset.training().toBuilder()
                .optSeed(stageTwo.seed())
                .optDevice(stageTwo.device())
                .optProgressBar(stageTwo.progressBar())
                .optStopRequest(stageTwo.stopRequest().orElse(null));
        if (stageTwo.checkpointDir().isPresent()) {
            Path dir = stageOneCheckpoints(stageTwo.checkpointDir().get()).resolve(name);
            training.optCheckpointDir(dir).optResume(stageTwo.resume() && dev.debias.train.PhasedRun.hasCheckpoints(dir));
        }
        return new CycleGanTrainer(preset.toBuilder().setTraining(training.build()).build());
    }

    /** Stage 1's checkpoints: one folder per CycleGAN inside the run's checkpoint folder. */
    private static Path stageOneCheckpoints(Path checkpoints) {
        return checkpoints.resolve("stage1");
    }

    /** A run is resumable once either stage has a checkpoint. */
    @Override
    public boolean resumable(Path checkpoints) {
        if (MethodEntry.super.resumable(checkpoints)) {
            return true;
        }
        Path stageOne = stageOneCheckpoints(checkpoints);
        if (!Files.isDirectory(stageOne)) {
            return false;
        }
        try (var pairs = Files.list(stageOne)) {
            return pairs.anyMatch(dev.debias.train.PhasedRun::hasCheckpoints);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stageOne, e);
        }
    }

    /**
     * CAMEL's seeds share one stage 1, as in the reference (its stage-2 configurations all load
     * one CycleGAN checkpoint): a run reuses the translators of the lowest-seed CAMEL run that has
     * saved them, and the first run trains them.
     */
    @Override
    public Map<String, String> mnistCorrelationOptions(Path runs, Path out) throws IOException {
        if (!Files.isDirectory(runs)) {
            return Map.of();
        }
        String prefix = MnistCorrelationTable.runPrefix(name());
        try (var listing = Files.list(runs)) {
            return listing.filter(dir -> dir.getFileName().toString().startsWith(prefix) && !dir.equals(out))
                    .filter(dir -> Files.isRegularFile(dir.resolve(TRANSLATORS).resolve(CycleGanTranslator.INDEX)))
                    .min(java.util.Comparator.comparingLong(dir -> seedOf(dir.getFileName().toString().substring(prefix.length()))))
                    .map(dir -> Map.of("translators", dir.resolve(TRANSLATORS).toString()))
                    .orElse(Map.of());
        }
    }

    private static long seedOf(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The two attributes of a class's training images, or null when the class has none. */
    private static int[] pairOf(GroupedArrayDataset train, int label) {
        TreeSet<Integer> attributes = new TreeSet<>();
        for (int i = 0; i < train.size(); i++) {
            if (train.labels()[i] == label && train.attributes()[i] >= 0) {
                attributes.add(train.attributes()[i]);
            }
        }
        if (attributes.isEmpty()) {
            return null;
        }
        if (attributes.size() != 2) {
            throw new CliException("class " + train.groupSpec().classNames().get(label) + " has images of " + attributes.size()
                    + " subgroups " + attributes + "; CAMEL translates between exactly two subgroups of a class");
        }
        return new int[] {attributes.first(), attributes.last()};
    }

    /** A short run's stage 1 takes a tenth of its steps (at least one). */
    @Override
    public Map<String, String> demoOptions(long iterations) {
        return Map.of("cyclegan-steps", Long.toString(Math.max(1, iterations / 10)));
    }

    @Override
    public String benchDataset() {
        return ExperimentData.MNIST_CORRELATION;
    }

    @Override
    public int benchBatchSize() {
        return 100;
    }

    /** {@code bench} times stage 2; stage 1 runs one step. */
    @Override
    public Map<String, String> benchOptions(long steps) {
        return Map.of("cyclegan-steps", "1");
    }

    @Override
    public List<Double> publishedColoredMnist() {
        return List.of();
    }

    @Override
    public PaperReports paperReports() {
        return PaperReports.SELECTED;
    }

    @Override
    public boolean inDemo() {
        return false;
    }
}
