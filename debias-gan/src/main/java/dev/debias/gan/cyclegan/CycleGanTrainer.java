package dev.debias.gan.cyclegan;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.dataset.Batch;

import com.google.gson.JsonObject;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.ndarray.Scalars;
import dev.debias.sampler.EpochSampler;
import dev.debias.train.Phase;
import dev.debias.train.PhasedRun;
import dev.debias.train.Provenance;
import dev.debias.train.StepContext;
import dev.debias.train.StepResult;
import dev.debias.train.TrainedModel;
import dev.debias.train.TrainingConfig;
import dev.debias.train.TrainingResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Trains one CycleGAN between two subgroups (CAMEL's stage 1; Goel et al., "Model Patching", ICLR
 * 2021; ALGORITHMS.md §5): generators {@code G: X -> Y} and {@code F: Y -> X} (U-Nets) and
 * PatchGAN discriminators {@code D_X}, {@code D_Y}, on the images of one class ({@link
 * #fit(GroupedArrayDataset, int, int, int)}) or of every class ({@link #ALL_CLASSES}, MNIST-Correlation's
 * class-agnostic translator).
 *
 * <p>Every step, on a batch of {@code B} unpaired images per domain (augmented, then scaled to
 * [-1, 1]):
 *
 * <ol>
 *   <li>generator step, the discriminators frozen: {@code L_gen = adv(1, D_Y(G(x))) + adv(1,
 *       D_X(F(y))) + lambda_cyc (|x - F(G(x))| + |y - G(F(y))|) + lambda_id / 2 (|x - F(x)| + |y -
 *       G(y)|)} (means), one Adam step of {@code G} and {@code F};
 *   <li>the step's fakes (from before the update) go into the replay pools;
 *   <li>discriminator step on {@code B} images drawn from each pool (copies, so no gradient reaches
 *       a generator): {@code L_D = (adv(1, D_X(x)) + adv(0, D_X(pool_X)) + adv(1, D_Y(y)) + adv(0,
 *       D_Y(pool_Y))) / 2}, one Adam step of both discriminators.
 * </ol>
 *
 * <p>Every network call is its own training-mode forward (real and fake images never share
 * BatchNorm statistics). The randomness of a step (augmentation, pool slots) is drawn from a stream
 * of the seed and the step's number, and the pools are checkpointed, so a resumed run continues
 * bit for bit. There is no validation metric: checkpoints are written every {@code evaluateEvery}
 * steps, the history records the loss terms, and the last generators are kept.
 */
public final class CycleGanTrainer implements AutoCloseable {

    /** The label that selects the images of every class (a class-agnostic translator). */
    public static final int ALL_CLASSES = -1;

    private static final long STREAM_SALT = 0x5DEECE66DL;

    private final CycleGanConfig config;
    private final Device device;
    private final List<Model> models = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TrainedModel forward;
    private TrainedModel backward;
    private TrainedModel sourceCritic;
    private TrainedModel targetCritic;
    private ImagePool sourcePool;
    private ImagePool targetPool;
    private GroupedArrayDataset data;
    private Shape imageShape;
    private int label = ALL_CLASSES;
    private int from;
    private int to;
    private boolean fitted;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     */
    public CycleGanTrainer(CycleGanConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.device = config.training().device();
    }

    /**
     * Trains the translator between two subgroups.
     *
     * @param images uint8 images with their labels and attributes
     * @param label the class whose images are used, or {@link #ALL_CLASSES}
     * @param fromAttribute the source subgroup X
     * @param toAttribute the target subgroup Y
     * @return the run's result (history of the loss terms; no validation metrics)
     * @throws IllegalArgumentException if a side has no image (naming it), the images are not
     *     uint8, or the generator cannot take their shape
     */
    public TrainingResult fit(GroupedArrayDataset images, int label, int fromAttribute, int toAttribute) {
        if (fitted) {
            throw new IllegalStateException("a CycleGAN trainer is used once: fit was called already");
        }
        fitted = true;
        if (images.rawBytes() == null) {
            throw new IllegalArgumentException("a CycleGAN trains on uint8 images, the dataset holds float features");
        }
        if (fromAttribute == toAttribute) {
            throw new IllegalArgumentException("a CycleGAN translates between two different subgroups, got " + fromAttribute + " twice");
        }
        this.data = images;
        this.label = label;
        this.from = fromAttribute;
        this.to = toAttribute;
        this.imageShape = images.sampleShape();
        GroupSpec spec = images.groupSpec();
        if (label != ALL_CLASSES && (label < 0 || label >= spec.numClasses())) {
            throw new IllegalArgumentException("class " + label + " outside [0, " + spec.numClasses() + ")");
        }
        int[] source = members(images, label, fromAttribute, "source");
        int[] target = members(images, label, toAttribute, "target");
        TrainingConfig training = config.training();
        int batch = training.batchSize();
        Shape input = new Shape(batch).addAll(imageShape);
        forward = model("G", () -> UnetGenerator.forImages(imageShape), input, training.optimizer(), training.seed());
        backward = model("F", () -> UnetGenerator.forImages(imageShape), input, training.optimizer(), training.seed() + 1);
        sourceCritic = model("D_X", PatchDiscriminator::new, input, config.discriminatorOptimizer(), training.seed() + 2);
        targetCritic = model("D_Y", PatchDiscriminator::new, input, config.discriminatorOptimizer(), training.seed() + 3);
        sourcePool = new ImagePool("X", config.poolSize(), device);
        targetPool = new ImagePool("Y", config.poolSize(), device);
        closeables.add(sourcePool);
        closeables.add(targetPool);
        JsonObject settings = config.describe();
        JsonObject pair = new JsonObject();
        pair.addProperty("label", label);
        pair.addProperty("from", fromAttribute);
        pair.addProperty("to", toAttribute);
        pair.addProperty("sourceImages", source.length);
        pair.addProperty("targetImages", target.length);
        settings.add("pair", pair);
        PhasedRun run =
                PhasedRun.builder()
                        .optName("cyclegan")
                        .setDevice(device)
                        .setData(images, images)
                        .optCheckpoints(training)
                        .optProvenance(new Provenance(settings))
                        .build();
        EpochSampler sampler = new DomainPairSampler(batch, training.seed(), 0, source, target);
        Phase phase =
                Phase.builder()
                        .setName("cyclegan")
                        .setTraining(training)
                        .setSampler(sampler)
                        .setStep(this::step)
                        .addParts(forward, backward, sourceCritic, targetCritic, sourcePool, targetPool)
                        .addCompletionState(forward, backward)
                        .build();
        return run.execute(phase);
    }

    private static int[] members(GroupedArrayDataset images, int label, int attribute, String side) {
        int[] y = images.labels();
        int[] a = images.attributes();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            if (a[i] == attribute && (label == ALL_CLASSES || y[i] == label)) {
                out.add(i);
            }
        }
        if (out.isEmpty()) {
            GroupSpec spec = images.groupSpec();
            String what = label == ALL_CLASSES ? "any class" : "class " + name(spec.classNames(), label);
            throw new IllegalArgumentException(
                    "the " + side + " subgroup " + name(spec.attributeNames(), attribute) + " of " + what + " has no image");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String name(List<String> names, int i) {
        return i >= 0 && i < names.size() ? names.get(i) : Integer.toString(i);
    }

    private TrainedModel model(String name, Supplier<Block> block, Shape input, dev.debias.train.OptimizerConfig optimizer, long seed) {
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        Model model = Model.newInstance("cyclegan-" + name, device);
        models.add(model);
        model.setBlock(block.get());
        TrainedModel trained = TrainedModel.builder().setName(name).setModel(model).setInputShapes(input).optOptimizer(optimizer).build();
        closeables.add(trained);
        return trained;
    }

    private StepResult step(Batch batch, StepContext context) {
        List<?> indices = batch.getIndices();
        int b = indices.size() / 2;
        SplittableRandom random = new SplittableRandom(EpochSampler.epochSeed(config.training().seed() ^ STREAM_SALT, context.step()));
        NDManager manager = batch.getManager();
        NDArray x = realImages(manager, indices.subList(0, b), random);
        NDArray y = realImages(manager, indices.subList(b, 2 * b), random);
        GeneratorPhase generators = generatorPhase(x, y);
        forward.step();
        backward.step();
        sourcePool.push(generators.fakeX, random);
        targetPool.push(generators.fakeY, random);
        NDArray criticLoss = criticPhase(x, y, sourcePool.sample(b, random, manager), targetPool.sample(b, random, manager));
        sourceCritic.step();
        targetCritic.step();
        return StepResult.of(generators.loss)
                .with("adversarial", generators.adversarial)
                .with("cycle", generators.cycle)
                .with("identity", generators.identity)
                .with("discriminator", criticLoss);
    }

    /** The generators' losses and the fakes of one step. */
    record GeneratorPhase(NDArray loss, NDArray adversarial, NDArray cycle, NDArray identity, NDArray fakeX, NDArray fakeY) {}

    /**
     * The generator step's forward and backward, the discriminators frozen (no optimiser step):
     * gradients reach {@code G} and {@code F} only.
     */
    GeneratorPhase generatorPhase(NDArray x, NDArray y) {
        AdversarialLoss adversarial = config.adversarialLoss();
        freezeCritics(true);
        try (GradientCollector collector = forward.trainer().newGradientCollector()) {
            NDArray fakeY = generate(forward, x);
            NDArray cycleX = generate(backward, fakeY);
            NDArray fakeX = generate(backward, y);
            NDArray cycleY = generate(forward, fakeX);
            NDArray sameX = generate(backward, x);
            NDArray sameY = generate(forward, y);
            NDArray adversarialTerm =
                    adversarial.of(critic(targetCritic, fakeY), 1f).add(adversarial.of(critic(sourceCritic, fakeX), 1f));
            NDArray cycle = Scalars.mul(x.sub(cycleX).abs().mean(), config.cycleWeight());
            if (!config.sourceCycleOnly()) {
                cycle = cycle.add(Scalars.mul(y.sub(cycleY).abs().mean(), config.cycleWeight()));
            }
            NDArray identity = Scalars.mul(x.sub(sameX).abs().mean().add(y.sub(sameY).abs().mean()), 0.5f * config.identityWeight());
            NDArray loss = adversarialTerm.add(cycle).add(identity);
            collector.backward(loss);
            return new GeneratorPhase(loss, adversarialTerm, cycle, identity, fakeX, fakeY);
        } finally {
            freezeCritics(false);
        }
    }

    /**
     * The discriminator step's forward and backward on real and pooled images (no optimiser
     * step); pooled images are copies, so no gradient reaches a generator.
     */
    NDArray criticPhase(NDArray x, NDArray y, NDArray pooledX, NDArray pooledY) {
        AdversarialLoss adversarial = config.adversarialLoss();
        try (GradientCollector collector = sourceCritic.trainer().newGradientCollector()) {
            NDArray lossX = adversarial.of(critic(sourceCritic, x), 1f).add(adversarial.of(critic(sourceCritic, pooledX), 0f));
            NDArray lossY = adversarial.of(critic(targetCritic, y), 1f).add(adversarial.of(critic(targetCritic, pooledY), 0f));
            NDArray loss = Scalars.mul(lossX.add(lossY), 0.5f);
            collector.backward(loss);
            return loss;
        }
    }

    /** The four networks, for tests: G, F, D_X, D_Y. */
    List<TrainedModel> networks() {
        return List.of(forward, backward, sourceCritic, targetCritic);
    }

    /** Freezes or unfreezes the discriminators' trainable parameters (never BatchNorm's running statistics). */
    private void freezeCritics(boolean frozen) {
        for (TrainedModel critic : List.of(sourceCritic, targetCritic)) {
            critic.model().getBlock().freezeParameters(frozen, CycleGanTrainer::trainable);
        }
    }

    private static boolean trainable(ai.djl.nn.Parameter p) {
        return p.getType() != ai.djl.nn.Parameter.Type.RUNNING_MEAN && p.getType() != ai.djl.nn.Parameter.Type.RUNNING_VAR;
    }

    private static NDArray generate(TrainedModel generator, NDArray images) {
        return generator.trainer().forward(new NDList(images)).singletonOrThrow();
    }

    private static NDArray critic(TrainedModel critic, NDArray images) {
        return critic.trainer().forward(new NDList(images)).singletonOrThrow();
    }

    /** The batch's real images, augmented on the host and scaled to [-1, 1]. */
    private NDArray realImages(NDManager manager, List<?> indices, SplittableRandom random) {
        byte[] raw = data.rawBytes();
        int per = Math.toIntExact(imageShape.size());
        int channels = (int) imageShape.get(0);
        int side = (int) imageShape.get(1);
        float[] out = new float[indices.size() * per];
        float[] image = new float[per];
        for (int k = 0; k < indices.size(); k++) {
            int i = Math.toIntExact(((Number) indices.get(k)).longValue());
            for (int p = 0; p < per; p++) {
                image[p] = (raw[i * per + p] & 0xff) / 255f;
            }
            float[] augmented =
                    switch (config.augmentation()) {
                        case NONE -> image;
                        case MNIST -> augmentPlanes(image, channels, side, random);
                        case FLIP_CROP -> FlipCropAugmentation.apply(image, channels, side, random);
                    };
            for (int p = 0; p < per; p++) {
                out[k * per + p] = augmented[p] * 2f - 1f;
            }
        }
        return manager.create(out, new Shape(indices.size()).addAll(imageShape));
    }

    private static float[] augmentPlanes(float[] image, int channels, int side, SplittableRandom random) {
        if (channels == 1) {
            return MnistAugmentation.apply(image, side, random);
        }
        throw new IllegalArgumentException("the MNIST augmentation takes one-channel images, got " + channels + " channels");
    }

    /**
     * Returns the trained translator: {@code G} maps the source subgroup to the target, {@code F}
     * back, for the trained class (or every class).
     *
     * @param evalModeGenerators whether the generators translate in inference mode (BatchNorm's
     *     running statistics, no dropout); the reference translates in training mode (false)
     * @return the translator; it uses this trainer's networks, so close the trainer after it
     * @throws IllegalStateException before {@code fit}
     */
    public CycleGanTranslator translator(boolean evalModeGenerators) {
        if (forward == null) {
            throw new IllegalStateException("call fit before asking for the translator");
        }
        return addTo(CycleGanTranslator.builder()).optEvalModeGenerators(evalModeGenerators).build();
    }

    /**
     * Adds this trainer's generators to a translator being built (several per-class CycleGANs
     * make one translator).
     *
     * @param builder the translator's builder
     * @return the builder
     * @throws IllegalStateException before {@code fit}
     */
    public CycleGanTranslator.Builder addTo(CycleGanTranslator.Builder builder) {
        if (forward == null) {
            throw new IllegalStateException("call fit before adding the generators to a translator");
        }
        return builder.addPair(label, from, to, forward.model().getBlock(), backward.model().getBlock(), imageShape);
    }

    /**
     * Returns the generator of one direction, for saving or inspection.
     *
     * @param towardTarget true for {@code G} (source to target), false for {@code F}
     * @return the DJL model
     */
    public Model generator(boolean towardTarget) {
        if (forward == null) {
            throw new IllegalStateException("call fit before asking for a generator");
        }
        return towardTarget ? forward.model() : backward.model();
    }

    /** Closes the networks and the pools. */
    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + c, e);
            }
        }
        models.forEach(Model::close);
        closeables.clear();
        models.clear();
    }
}
