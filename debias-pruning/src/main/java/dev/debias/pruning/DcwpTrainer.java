package dev.debias.pruning;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.loss.CrossEntropy;
import dev.debias.loss.GeneralizedCrossEntropyLoss;
import dev.debias.loss.L1MaskSparsityLoss;
import dev.debias.model.Backbone;
import dev.debias.ndarray.Scalars;
import dev.debias.sampler.EpochSampler;
import dev.debias.sampler.WeightedSampler;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.ErmStep;
import dev.debias.train.ErrorSetMiner;
import dev.debias.train.Phase;
import dev.debias.train.PhasedRun;
import dev.debias.train.StepContext;
import dev.debias.train.StepResult;
import dev.debias.train.TrainedModel;
import dev.debias.train.TrainingConfig;
import dev.debias.train.TrainingResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * DCWP (Park et al., "Training Debiased Subnetworks with Contrastive Weight Pruning", CVPR 2023;
 * official code geonyeong-park/DCWP). Needs no group labels for training.
 *
 * <p>Four phases (ALGORITHMS.md §10), each resumable, under the run's checkpoints:
 *
 * <ol>
 *   <li>{@value #BIAS_MODEL}: trains the biased model {@code f_B} ({@link MiningConfig}) and, when it
 *       ends, mines the bias-conflicting samples ({@code wrong} or {@code ensemble}); the {@link
 *       MinedSet} is its completion record. With {@code supervised} mining the true flags are used
 *       and this phase does not run.
 *   <li>{@value #PRETRAIN}: trains the candidate {@code f} (a {@link MaskedNetwork}, masks off) by
 *       cross-entropy.
 *   <li>{@value #PRUNE}: learns the mask scores with the weights frozen: samples drawn with
 *       replacement, mined ones {@link DcwpConfig#pruneUpweight()} times as likely; loss {@code CE +
 *       λ_sparse · Σπ + λ_con · L_con} ({@link DebiasedContrastiveLoss}); a fresh mask per forward,
 *       its noise seeded by the run's seed and the step, so a resumed run draws the same masks.
 *   <li>{@value #FINETUNE}: fixes the mask {@code π ≥ 0} and trains the surviving weights with
 *       {@code CE + λ_con · L_con}, mined samples up-weighted {@code λ_up} times.
 * </ol>
 *
 * <p>The reported model is the candidate after fine-tuning; {@link #maskReport()} gives its kept
 * ratio, {@link #miningQuality()} the mined set's precision and recall against the true flags,
 * and {@link PrunedModels#export} writes it as a plain backbone with the pruned weights zeroed.
 * A mined set that is empty is reported with a warning; pruning and fine-tuning then sample
 * uniformly and the contrastive term is 0 (it has no positive).
 */
public final class DcwpTrainer extends DebiasTrainer {

    /** Phase 1: the biased model and mining. */
    public static final String BIAS_MODEL = "bias-model";

    /** Phase 2: the candidate's pre-training. */
    public static final String PRETRAIN = "pretrain";

    /** Phase 3: learning the masks. */
    public static final String PRUNE = "prune";

    /** Phase 4: fine-tuning with the mask fixed. */
    public static final String FINETUNE = "finetune";

    /** The optimiser group of the backbone's parameters. */
    public static final String WEIGHTS = "weights";

    /** The optimiser group of the mask scores. */
    public static final String SCORES = "scores";

    private static final Logger LOGGER = LoggerFactory.getLogger(DcwpTrainer.class);
    private static final long NOISE_SALT = 0x9E3779B97F4A7C15L;

    private final DcwpConfig config;
    private final Supplier<? extends Backbone> backbones;
    private MaskedNetwork network;
    private TrainedModel finalModel;
    private MinedSet.Quality quality;
    private int[] minedIndices;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     * @param backbones makes a fresh, uninitialised backbone (the candidate and the biased model)
     * @param inputShape the input shape with a batch axis, e.g. {@code (1, 3, 28, 28)}
     */
    public DcwpTrainer(DcwpConfig config, Supplier<? extends Backbone> backbones, Shape inputShape) {
        super(config, inputShape, config.training().device());
        this.config = Objects.requireNonNull(config, "config");
        this.backbones = Objects.requireNonNull(backbones, "backbones");
    }

    /** {@inheritDoc} */
    @Override
    protected TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation) {
        if (train.groupSpec().numClasses() < 2) {
            throw new IllegalArgumentException("DCWP needs at least two classes, the training set has " + train.groupSpec().numClasses());
        }
        MinedSet mined = new MinedSet("mined-set");
        if (config.mining().rule() == MiningConfig.Rule.SUPERVISED) {
            if (!train.hasGroupLabels()) {
                throw new IllegalArgumentException("supervised mining needs the training set's group labels");
            }
            mined.replace(MinedSet.trulyConflicting(train));
        } else {
            run.execute(biasModelPhase(train, mined));
        }
        minedIndices = mined.indices();
        int minedSize = minedIndices.length;
        quality = train.hasGroupLabels() ? mined.quality(train) : null;
        if (quality != null) {
            LOGGER.info("dcwp: mined {} samples, precision {}, recall {}", minedSize, quality.precision(), quality.recall());
        }
        if (minedSize == 0) {
            LOGGER.warn("dcwp: the mined set is empty: pruning and fine-tuning sample uniformly and the contrastive term is 0");
        }
        network = MaskedNetwork.builder()
                .setNetwork(backbones.get())
                .optNoise(config.noise())
                .optTemperature(config.maskTemperature())
                .build();
        TrainingConfig candidateTraining = config.candidate();
        TrainedModel candidate =
                newModel(network, config.training().seed(), b -> b.setName("candidate")
                        .setInputShapes(inputShape())
                        .addOptimizer(WEIGHTS, candidateTraining.optimizer(), network.scoreNames().negate())
                        .optFrozen(network.scoreNames()));
        run.execute(Phase.builder()
                .setName(PRETRAIN)
                .setTraining(candidateTraining)
                .setSampler(defaultSampler(train, candidateTraining, false))
                .setStep(new ErmStep(candidate))
                .optValidator(dataset -> evaluate(candidate.inference(), dataset))
                .addParts(candidate)
                .addCompletionState(candidate)
                .build());
        try (NDManager flagsManager = NDManager.newBaseManager(device())) {
            NDArray flags = minedFlags(flagsManager, mined, train.size());
            DebiasedContrastiveLoss contrastive = config.contrastive();
            network.setState(MaskState.SAMPLED);
            TrainingConfig pruning = config.pruning();
            TrainedModel pruner = adopt(TrainedModel.builder()
                    .setModel(candidate.model())
                    .setName("candidate")
                    .setInputShapes(inputShape())
                    .addOptimizer(SCORES, pruning.optimizer(), network.scoreNames())
                    .optFrozen(network.scoreNames().negate()));
            run.execute(Phase.builder()
                    .setName(PRUNE)
                    .setTraining(pruning)
                    .setSampler(upweighted(train, mined, config.pruneUpweight(), pruning))
                    .setStep((batch, context) -> pruneStep(pruner, batch, context, flags, contrastive))
                    .optValidator(dataset -> evaluate(pruner.inference(), dataset))
                    .addParts(pruner)
                    .addCompletionState(pruner)
                    .build());
            MaskReport pruned = network.report();
            LOGGER.info("dcwp: kept ratio {} after pruning", pruned.keptRatio());
            if (!pruned.emptyLayers().isEmpty()) {
                LOGGER.warn("dcwp: layers {} keep no weight at all; lower lambda_sparse to keep them", pruned.emptyLayers());
            }
            network.setState(MaskState.FIXED);
            TrainingConfig finetuning = config.training();
            finalModel = adopt(TrainedModel.builder()
                    .setModel(candidate.model())
                    .setName("candidate")
                    .setInputShapes(inputShape())
                    .addOptimizer(WEIGHTS, finetuning.optimizer(), network.scoreNames().negate())
                    .optFrozen(network.scoreNames()));
            return run.execute(Phase.builder()
                    .setName(FINETUNE)
                    .setTraining(finetuning)
                    .setSampler(upweighted(train, mined, config.finetuneUpweight(), finetuning))
                    .setStep((batch, context) -> finetuneStep(finalModel, batch, flags, contrastive))
                    .optValidator(dataset -> evaluate(finalModel.inference(), dataset))
                    .addParts(finalModel)
                    .build());
        }
    }

    private Phase biasModelPhase(GroupedDataset train, MinedSet mined) {
        MiningConfig mining = config.mining();
        TrainingConfig training = mining.training();
        TrainedModel biased =
                newModel(backbones.get(), training.seed() + 1, b -> b.setName("biased")
                        .setInputShapes(inputShape())
                        .optOptimizer(training.optimizer()));
        boolean ensemble = mining.rule() == MiningConfig.Rule.ENSEMBLE;
        EnsembleScores scores = new EnsembleScores("ensemble-scores", Math.toIntExact(train.size()));
        long epochLength = Math.max(1, train.size() / training.batchSize());
        long total = training.totalSteps(Math.max(1, (train.size() + training.batchSize() - 1) / training.batchSize()));
        GeneralizedCrossEntropyLoss gce = mining.gce();
        Phase.Builder phase = Phase.builder()
                .setName(BIAS_MODEL)
                .setTraining(training)
                .setSampler(defaultSampler(train, training, false))
                .setStep((batch, context) -> {
                    StepResult result = biasStep(biased, batch, mining, gce);
                    if (ensemble && context.step() % epochLength == 0) {
                        scores.accumulate(biased.inference(), train, training.evaluationBatchSize(), device(),
                                (double) epochLength / total);
                    }
                    return result;
                })
                .optValidator(dataset -> evaluate(biased.inference(), dataset))
                .addParts(biased, scores)
                .addCompletionState(mined)
                .optFinisher(() -> {
                    if (ensemble) {
                        mined.replace(scores.above(mining.threshold()));
                    } else {
                        ErrorSetMiner errors = new ErrorSetMiner("errors");
                        errors.mine(biased.inference(), train, training.evaluationBatchSize(), device());
                        mined.replace(errors.indices());
                    }
                });
        return phase.build();
    }

    private static StepResult biasStep(TrainedModel biased, Batch batch, MiningConfig mining, GeneralizedCrossEntropyLoss gce) {
        NDArray y = batch.getLabels().get(GroupedLabels.LABEL);
        NDArray loss;
        try (GradientCollector collector = biased.trainer().newGradientCollector()) {
            NDArray logits = biased.trainer().forward(batch.getData()).head();
            if (mining.rule() == MiningConfig.Rule.ENSEMBLE) {
                NDArray logP = CrossEntropy.labelLogProbability(logits, y);
                NDArray confident = logP.stopGradient().exp().gt(mining.eta()).toType(DataType.FLOAT32, false);
                loss = logP.neg().mul(confident).sum().div(Scalars.maximum(confident.sum(), 1f));
            } else if (mining.biasedLoss() == MiningConfig.BiasedLoss.GCE) {
                loss = gce.ofLogits(logits, y).mean();
            } else {
                loss = CrossEntropy.ofLogits(logits, y).mean();
            }
            collector.backward(loss);
        }
        biased.step();
        return StepResult.of(loss);
    }

    /** Phase 3: fresh masks seeded by the run's seed and the step, so a resumed run draws the same ones. */
    private StepResult pruneStep(TrainedModel pruner, Batch batch, StepContext context, NDArray flags, DebiasedContrastiveLoss contrastive) {
        long seed = config.training().seed() * NOISE_SALT + context.step();
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        return maskedStep(pruner, batch, flags, contrastive, true);
    }

    private StepResult finetuneStep(TrainedModel model, Batch batch, NDArray flags, DebiasedContrastiveLoss contrastive) {
        return maskedStep(model, batch, flags, contrastive, false);
    }

    /**
     * One step through the masked network: CE + λ_con · the contrastive term, plus λ_sparse · Σπ
     * while pruning; the scores' optimiser steps while pruning, the weights' otherwise.
     */
    private StepResult maskedStep(
            TrainedModel model, Batch batch, NDArray flags, DebiasedContrastiveLoss contrastive, boolean pruning) {
        NDArray y = batch.getLabels().get(GroupedLabels.LABEL);
        ParameterStore parameters = new ParameterStore(batch.getManager(), false);
        NDArray ce;
        NDArray sparse = null;
        DebiasedContrastiveLoss.Result con;
        NDArray total;
        try (GradientCollector collector = model.trainer().newGradientCollector()) {
            NDList out = network.forward(parameters, batch.getData(), true);
            ce = CrossEntropy.ofLogits(out.get(0), y).mean();
            con = contrastive.compute(out.get(1), y, batchFlags(flags, batch));
            float lambdaCon = pruning ? config.lambdaContrastivePrune() : config.lambdaContrastiveFinetune();
            total = ce.add(Scalars.mul(con.loss(), lambdaCon));
            if (pruning) {
                sparse = new L1MaskSparsityLoss(network.scoreArrays(), L1MaskSparsityLoss.Mode.RAW, config.lambdaSparse())
                        .evaluate(new NDList(), new NDList(ce));
                total = total.add(sparse);
            }
            collector.backward(total);
        }
        model.step(pruning ? SCORES : WEIGHTS);
        StepResult result = StepResult.of(total).with("ce", ce);
        if (sparse != null) {
            result = result.with("sparsity", sparse);
        }
        return result
                .with("contrastive", con.loss())
                .with("noPositive", con.rowsWithPositives().eq(0f).toType(DataType.FLOAT32, false));
    }

    /** The mined flags of a batch's samples, on the batch's manager. */
    private static NDArray batchFlags(NDArray flags, Batch batch) {
        NDArray picked = flags.get(batch.getLabels().get(GroupedLabels.INDEX));
        picked.attach(batch.getManager());
        return picked;
    }

    private static NDArray minedFlags(NDManager manager, MinedSet mined, long size) {
        float[] flags = new float[Math.toIntExact(size)];
        for (int i : mined.indices()) {
            if (i >= flags.length) {
                throw new IllegalStateException("mined sample " + i + " is outside the training set of " + size);
            }
            flags[i] = 1f;
        }
        return manager.create(flags);
    }

    private static EpochSampler upweighted(GroupedDataset train, MinedSet mined, double upweight, TrainingConfig training) {
        return WeightedSampler.upweighting(Math.toIntExact(train.size()), mined.indices(), upweight)
                .setBatchSize(training.batchSize())
                .setSeed(training.seed())
                .optNumBatches(Math.max(1, train.size() / training.batchSize()))
                .build();
    }

    /**
     * Returns the masked candidate network.
     *
     * @return the network
     * @throws IllegalStateException before {@code fit}
     */
    public MaskedNetwork network() {
        if (network == null) {
            throw new IllegalStateException("call fit before asking for the network");
        }
        return network;
    }

    /**
     * Returns the kept weights of the final mask.
     *
     * @return the report
     * @throws IllegalStateException before {@code fit}
     */
    public MaskReport maskReport() {
        return network().report();
    }

    /**
     * Returns the size of the mined set.
     *
     * @return the number of mined samples
     * @throws IllegalStateException before {@code fit}
     */
    public int minedSize() {
        return minedIndices().length;
    }

    /**
     * Returns the mined set.
     *
     * @return the sorted indices of the samples mined as bias-conflicting
     * @throws IllegalStateException before {@code fit}
     */
    public int[] minedIndices() {
        if (minedIndices == null) {
            throw new IllegalStateException("call fit before asking for the mined set");
        }
        return minedIndices.clone();
    }

    /**
     * Returns the mined set's precision and recall against the true bias-conflicting flags, when
     * the training set has group labels.
     *
     * @return the quality, if it could be measured
     * @throws IllegalStateException before {@code fit}
     */
    public Optional<MinedSet.Quality> miningQuality() {
        network();
        return Optional.ofNullable(quality);
    }

    /** {@inheritDoc} */
    @Override
    public TrainedModel reportedModel() {
        if (finalModel == null) {
            throw new IllegalStateException("call fit before asking for the model");
        }
        return finalModel;
    }
}
