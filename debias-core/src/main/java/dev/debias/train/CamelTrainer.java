package dev.debias.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;

import dev.debias.augment.SubgroupTranslator;
import dev.debias.augment.TripletDataset;
import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.loss.CrossEntropy;
import dev.debias.loss.GroupDroLoss;
import dev.debias.loss.GroupDroStep;
import dev.debias.loss.SubgroupConsistencyLoss;
import dev.debias.ndarray.Scalars;
import dev.debias.sampler.GroupStreamSampler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * CAMEL's stage 2 (Goel et al., "Model Patching: Closing the Subgroup Performance Gap with Data
 * Augmentation", ICLR 2021; ALGORITHMS.md §6): robust training with learned subgroup
 * translations. It takes any {@link SubgroupTranslator} (stage 1's CycleGANs, or a user's own).
 *
 * <p>The training set is translated once ({@link TripletDataset}: every image with its renderings
 * in both subgroups of its class). Each step draws an equal share of the batch from every group's
 * own endless stream ({@link GroupStreamSampler}; {@code training size / baseline_batch_size}
 * steps per epoch), passes the originals and both views through the network in <em>one</em>
 * training-mode forward (BatchNorm and dropout see the whole concatenation, as in the reference),
 * and minimises
 *
 * <pre>
 * L = GroupDRO_cc(CE of the originals per group) + lambda_c * sum_g mean_{i in g} consistency(p_o, p_F, p_G)
 * </pre>
 *
 * with core's {@link GroupDroLoss} (class-conditional by default, the adjustment {@code C /
 * sqrt(n_g)} with the training counts) and {@link SubgroupConsistencyLoss}; the translations enter
 * only the consistency term. The L2 rate, Nesterov momentum and global-norm clipping are the
 * optimiser's ({@link OptimizerConfig}). Evaluation uses the originals only; the selected model is
 * the best worst-group validation epoch, and the final one is reported too.
 *
 * <p>Deviations from the TensorFlow original, each documented in {@code docs/methods/camel.md}:
 * cross-entropy from log-softmax rather than Keras' clipped probabilities; group weights detached
 * (standard Group DRO; the original lets the gradient pass through its weight update, an effect
 * of order {@code eta}); the public sample order with a uniform reshuffle per pass.
 */
public final class CamelTrainer extends DebiasTrainer {

    private final CamelConfig config;
    private final SubgroupTranslator translator;
    private TrainedModel model;
    private GroupDroLoss groupDro;
    private SubgroupConsistencyLoss consistency;
    private TripletDataset triplets;
    private boolean ownsTriplets;
    private AutoCloseable translatorResource;

    /**
     * Creates a trainer that translates the training set with {@code translator} when {@code fit}
     * starts (or uses the set as it is if it is a {@link TripletDataset} already).
     *
     * @param config the settings
     * @param blocks makes the classifier's block
     * @param inputShape the input shape with a batch axis
     * @param translator the subgroup translator
     */
    public CamelTrainer(CamelConfig config, Supplier<Block> blocks, Shape inputShape, SubgroupTranslator translator) {
        super(config, blocks, inputShape);
        this.config = Objects.requireNonNull(config, "config");
        this.translator = Objects.requireNonNull(translator, "translator");
    }

    /**
     * Creates a trainer whose training set must be a {@link TripletDataset} (translated before).
     *
     * @param config the settings
     * @param blocks makes the classifier's block
     * @param inputShape the input shape with a batch axis
     */
    public CamelTrainer(CamelConfig config, Supplier<Block> blocks, Shape inputShape) {
        super(config, blocks, inputShape);
        this.config = Objects.requireNonNull(config, "config");
        this.translator = null;
    }

    /** {@inheritDoc} */
    @Override
    protected TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation) {
        if (!train.hasGroupLabels()) {
            throw new IllegalArgumentException("CAMEL needs the subgroup (bias attribute) of every training image");
        }
        triplets = triplets(train);
        TrainingConfig training = config.training();
        GroupSpec spec = train.countedGroupSpec();
        groupDro = GroupDroLoss.builder(spec).optOptions(config.groupDro()).build();
        consistency = config.newConsistencyLoss();
        model = newModel("model", training.optimizer(), training.seed());
        Checkpointable lossState = Checkpointable.ofStream("group-dro", groupDro::saveState, groupDro::loadState);
        GroupStreamSampler sampler =
                GroupStreamSampler.ofBaseline(train, training.batchSize(), config.baselineBatchSize(), training.seed());
        return run.execute(
                singlePhase(training)
                        .setSampler(sampler)
                        .optTrainingData(triplets)
                        .setStep((batch, context) -> step(batch))
                        .optValidator(dataset -> evaluate(model.inference(), dataset))
                        .addParts(model, lossState)
                        .build());
    }

    private TripletDataset triplets(GroupedDataset train) {
        if (train instanceof TripletDataset given) {
            return given;
        }
        if (translator == null) {
            throw new IllegalArgumentException(
                    "this CAMEL trainer has no translator: pass a TripletDataset, or create the trainer with a SubgroupTranslator");
        }
        if (!(train instanceof GroupedArrayDataset images)) {
            throw new IllegalArgumentException(
                    "CAMEL translates uint8 image datasets (GroupedArrayDataset), got " + train.getClass().getSimpleName());
        }
        try (NDManager manager = NDManager.newBaseManager(device())) {
            ownsTriplets = true;
            return TripletDataset.builder()
                    .setDataset(images)
                    .setTranslator(translator)
                    .optTranslationBatchSize(config.translationBatchSize())
                    .build(manager);
        }
    }

    private StepResult step(Batch batch) {
        Trainer trainer = model.trainer();
        NDList data = batch.getData();
        NDList labels = batch.getLabels();
        NDArray groups = labels.get(GroupedLabels.GROUP);
        boolean withViews = config.consistencyWeight() > 0;
        GroupDroStep update;
        NDArray consistencyTerm;
        NDArray loss;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray input = withViews ? NDArrays.concat(data, 0) : data.head();
            NDArray logits = trainer.forward(new NDList(input)).head();
            NDList views = withViews ? logits.split(3, 0) : new NDList(logits);
            NDArray perSample = CrossEntropy.ofLogits(views.get(0), labels.get(GroupedLabels.LABEL));
            update = groupDro.update(perSample, groups);
            if (withViews) {
                NDArray perTriplet = consistency.perSample(labels, views);
                consistencyTerm = sumOfGroupMeans(perTriplet, groups, groupDro.numGroups());
                loss = update.loss().add(consistencyTerm);
            } else {
                consistencyTerm = batch.getManager().zeros(new Shape());
                loss = update.loss();
            }
            collector.backward(loss);
        }
        model.step();
        Map<String, Double> weights = new LinkedHashMap<>();
        double[] q = update.weights().weights();
        for (int g = 0; g < q.length; g++) {
            weights.put("q." + g, q[g]);
        }
        return StepResult.of(loss).with("robust", update.loss()).with("consistency", consistencyTerm).withValues(weights);
    }

    /**
     * Returns {@code sum_g mean_{i in g} v_i} over the groups present in the batch, natively: the
     * reference's sum over the groups' sub-batch means.
     *
     * @param values per-sample values {@code [B]}
     * @param groups group ids {@code [B]}
     * @param numGroups the number of groups
     * @return the scalar sum
     */
    static NDArray sumOfGroupMeans(NDArray values, NDArray groups, int numGroups) {
        NDArray oneHot = groups.oneHot(numGroups).toType(DataType.FLOAT32, false);
        NDArray sums = values.expandDims(0).matMul(oneHot).squeeze(0);
        NDArray counts = oneHot.sum(new int[] {0});
        return sums.div(Scalars.maximum(counts, 1f)).sum();
    }

    /**
     * Returns the current group weights q of the Group DRO term.
     *
     * @return a copy of the weights
     * @throws IllegalStateException before {@code fit}
     */
    public double[] groupWeights() {
        if (groupDro == null) {
            throw new IllegalStateException("call fit before asking for the group weights");
        }
        return groupDro.weights();
    }

    /**
     * Returns the training set with its translations (built by {@code fit}).
     *
     * @return the triplets
     * @throws IllegalStateException before {@code fit}
     */
    public TripletDataset triplets() {
        if (triplets == null) {
            throw new IllegalStateException("call fit before asking for the triplets");
        }
        return triplets;
    }

    /** {@inheritDoc} */
    @Override
    public TrainedModel reportedModel() {
        if (model == null) {
            throw new IllegalStateException("call fit before asking for the model");
        }
        return model;
    }

    /**
     * Makes the trainer close a resource of its translator (e.g. loaded generators) when it is
     * closed.
     *
     * @param resource the resource
     * @return this trainer
     */
    public CamelTrainer closing(AutoCloseable resource) {
        this.translatorResource = Objects.requireNonNull(resource, "resource");
        return this;
    }

    /** Closes the models, the translations this trainer computed and a resource it was given. */
    @Override
    public void close() {
        super.close();
        if (ownsTriplets && triplets != null) {
            triplets.close();
        }
        if (translatorResource != null) {
            try {
                translatorResource.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the translator's resources", e);
            }
        }
    }
}
