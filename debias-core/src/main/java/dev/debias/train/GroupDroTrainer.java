package dev.debias.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.loss.CrossEntropy;
import dev.debias.loss.GroupDroLoss;
import dev.debias.loss.GroupDroStep;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Group DRO (Sagawa et al., "Distributionally Robust Neural Networks for Group Shifts: On the
 * Importance of Regularization for Worst-Case Generalization", ICLR 2020). Needs group labels on
 * the training set.
 *
 * <p>Each step computes the per-sample cross-entropy, the batch's per-group mean losses
 * \(L_g\), raises the weights of the groups with high loss by exponentiated gradient
 * (\(q_g \propto q_g e^{\eta L_g}\), kept in logit form), and descends on \(\sum_g q_g L_g\) with
 * the updated weights treated as constants ({@link GroupDroLoss}). The weights are updated exactly
 * once per batch and saved with every checkpoint.
 */
public final class GroupDroTrainer extends DebiasTrainer {

    private final GroupDroConfig config;
    private TrainedModel model;
    private GroupDroLoss loss;

    /**
     * Creates the trainer on the device of {@code config.training()}.
     *
     * @param config the settings
     * @param blocks makes the model's block
     * @param inputShape the input shape with a batch axis
     */
    public GroupDroTrainer(GroupDroConfig config, Supplier<Block> blocks, Shape inputShape) {
        super(config, blocks, inputShape);
        this.config = config;
    }

    /** {@inheritDoc} */
    @Override
    protected TrainingResult train(PhasedRun run, GroupedDataset train, GroupedDataset validation) {
        if (!train.hasGroupLabels()) {
            throw new IllegalArgumentException(
                    "Group DRO needs the bias attribute of every training sample; use LfF or JTT without group labels");
        }
        TrainingConfig training = config.training();
        GroupSpec spec = train.countedGroupSpec();
        loss = config.newLoss(spec);
        model = newModel("model", training.optimizer(), training.seed());
        Checkpointable lossState = Checkpointable.ofStream("group-dro", loss::saveState, loss::loadState);
        return run.execute(
                singlePhase(training)
                        .setSampler(config.sampler(train))
                        .setStep((batch, context) -> step(batch))
                        .optValidator(dataset -> evaluate(model.inference(), dataset))
                        .addParts(model, lossState)
                        .build());
    }

    private StepResult step(Batch batch) {
        Trainer trainer = model.trainer();
        GroupDroStep update;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(batch.getData()).head();
            NDList labels = batch.getLabels();
            NDArray perSample = CrossEntropy.ofLogits(logits, labels.get(GroupedLabels.LABEL));
            update = loss.update(perSample, labels.get(GroupedLabels.GROUP));
            collector.backward(update.loss());
        }
        model.step();
        // As group_DRO's log: each group's weight q and (here, its EMA of the) training loss.
        double[] weights = update.weights().weights();
        double[] ema = loss.groupLossEma();
        Map<String, Double> perGroup = new LinkedHashMap<>();
        for (int g = 0; g < weights.length; g++) {
            perGroup.put("q." + g, weights[g]);
        }
        for (int g = 0; g < ema.length; g++) {
            perGroup.put("lossEma." + g, ema[g]);
        }
        return StepResult.of(update.loss()).withValues(perGroup);
    }

    /**
     * Returns the current group weights q.
     *
     * @return a copy of the weights
     * @throws IllegalStateException before {@code fit}
     */
    public double[] groupWeights() {
        if (loss == null) {
            throw new IllegalStateException("call fit before asking for the group weights");
        }
        return loss.weights();
    }

    /** {@inheritDoc} */
    @Override
    public TrainedModel reportedModel() {
        if (model == null) {
            throw new IllegalStateException("call fit before asking for the model");
        }
        return model;
    }
}
