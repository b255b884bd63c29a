package dev.debias.metrics;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedDataset;

import java.util.function.UnaryOperator;

/**
 * Runs a model once over a {@link GroupedDataset} in inference mode and returns its {@link
 * GroupMetrics}.
 *
 * <p>Samples are visited in index order {@code 0 .. size-1} in batches of {@link
 * Builder#optBatchSize(int)}, independent of the dataset's own sampler (no shuffling, no dropped
 * samples unless {@link Builder#optDropLastBatch(boolean)} asks for it). Each batch lives on its
 * own sub-manager and is closed before the next one is assembled; all of the evaluation's arrays
 * are released when {@code evaluate} returns.
 *
 * <p>Three ways in, all equivalent for a single-device model:
 *
 * <ul>
 *   <li>{@link #evaluate(Trainer, GroupedDataset)} for trainers: uses {@code
 *       trainer.evaluate(data)} (inference mode) on the trainer's first device;
 *   <li>{@link #evaluate(Model, GroupedDataset)} for a user's model: {@code
 *       model.getBlock().forward(new ParameterStore(manager, false), data, false)};
 *   <li>{@link #evaluate(Block, ParameterStore, GroupedDataset)} and {@link #evaluate(NDManager,
 *       UnaryOperator, GroupedDataset)} for anything else (for example the debiased model of a
 *       two-model trainer).
 * </ul>
 *
 * <p>Call it outside of a {@code GradientCollector}: the forward passes are not meant to be
 * recorded. Instances are immutable and may be reused.
 */
public final class GroupEvaluator {

    private final int batchSize;
    private final Loss loss;
    private final int predictionIndex;
    private final boolean dropLastBatch;
    private final GroupSpec groupSpec;

    private GroupEvaluator(Builder builder) {
        this.batchSize = builder.batchSize;
        this.loss = builder.loss;
        this.predictionIndex = builder.predictionIndex;
        this.dropLastBatch = builder.dropLastBatch;
        this.groupSpec = builder.groupSpec;
    }

    /**
     * Returns a builder with batch size 256, no loss, predictions at output 0, no dropped batch
     * and the dataset's own group spec.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Evaluates the trainer's model with {@code trainer.evaluate(data)} (inference mode), on the
     * trainer's first device.
     *
     * @param trainer the trainer
     * @param dataset the data
     * @return the metrics
     * @throws IllegalArgumentException if the dataset is empty or does not match the group spec
     */
    public GroupMetrics evaluate(Trainer trainer, GroupedDataset dataset) {
        Device device = trainer.getDevices()[0];
        try (NDManager manager = trainer.getManager().newSubManager(device)) {
            return evaluate(manager, trainer::evaluate, dataset);
        }
    }

    /**
     * Evaluates a model: its block is run in inference mode with a non-copying parameter store on
     * the model's device.
     *
     * @param model the model
     * @param dataset the data
     * @return the metrics
     * @throws IllegalArgumentException if the dataset is empty or does not match the group spec
     */
    public GroupMetrics evaluate(Model model, GroupedDataset dataset) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            ParameterStore parameters = new ParameterStore(manager, false);
            Block block = model.getBlock();
            return evaluate(manager, data -> block.forward(parameters, data, false), dataset);
        }
    }

    /**
     * Evaluates a block in inference mode with the given parameter store; batches are created
     * on the store's manager (and device).
     *
     * @param block the block
     * @param parameters the parameter store
     * @param dataset the data
     * @return the metrics
     * @throws IllegalArgumentException if the dataset is empty or does not match the group spec
     */
    public GroupMetrics evaluate(Block block, ParameterStore parameters, GroupedDataset dataset) {
        return evaluate(
                parameters.getManager(), data -> block.forward(parameters, data, false), dataset);
    }

    /**
     * Evaluates any inference function. Batches are created on sub-managers of {@code manager}
     * (and on its device); the function receives a batch's data {@code [x]} and returns the
     * model outputs, whose entry {@link Builder#optPredictionIndex(int)} holds logits {@code [B,
     * K]} or class ids {@code [B]}.
     *
     * @param manager the parent manager of the batches
     * @param inference the forward pass in inference mode
     * @param dataset the data
     * @return the metrics
     * @throws IllegalArgumentException if the dataset is empty or does not match the group spec,
     *     or if the outputs do not hold the predictions
     */
    public GroupMetrics evaluate(
            NDManager manager, UnaryOperator<NDList> inference, GroupedDataset dataset) {
        GroupSpec spec = resolveSpec(dataset);
        long size = dataset.size();
        if (size == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty dataset");
        }
        GroupMetricsAccumulator accumulator = new GroupMetricsAccumulator(spec);
        for (long start = 0; start < size; start += batchSize) {
            int length = (int) Math.min(batchSize, size - start);
            if (dropLastBatch && length < batchSize) {
                break;
            }
            long[] indices = new long[length];
            for (int k = 0; k < length; k++) {
                indices[k] = start + k;
            }
            try (Batch batch = dataset.batch(manager, indices)) {
                NDList outputs = inference.apply(batch.getData());
                if (outputs.size() <= predictionIndex) {
                    throw new IllegalArgumentException(
                            "the model returned "
                                    + outputs.size()
                                    + " output(s); predictions were expected at index "
                                    + predictionIndex);
                }
                NDArray predictions = outputs.get(predictionIndex);
                if (loss == null) {
                    accumulator.update(predictions, batch.getLabels());
                } else {
                    NDArray batchLoss = loss.evaluate(batch.getLabels(), outputs);
                    accumulator.update(predictions, batch.getLabels(), batchLoss);
                }
            }
        }
        if (accumulator.count() == 0) {
            throw new IllegalArgumentException(
                    "no full batch of "
                            + batchSize
                            + " in a dataset of "
                            + size
                            + " samples, and the last partial batch is dropped");
        }
        return accumulator.result();
    }

    private GroupSpec resolveSpec(GroupedDataset dataset) {
        GroupSpec own = dataset.groupSpec();
        if (groupSpec == null) {
            return own;
        }
        if (groupSpec.numClasses() != own.numClasses()
                || groupSpec.numAttributes() != own.numAttributes()) {
            throw new IllegalArgumentException(
                    "the evaluator's group spec has "
                            + groupSpec.numClasses()
                            + " classes and "
                            + groupSpec.numAttributes()
                            + " attribute values, the dataset's "
                            + own.numClasses()
                            + " and "
                            + own.numAttributes());
        }
        return groupSpec;
    }

    /** Builds a {@link GroupEvaluator}. */
    public static final class Builder {

        private int batchSize = 256;
        private Loss loss;
        private int predictionIndex;
        private boolean dropLastBatch;
        private GroupSpec groupSpec;

        Builder() {}

        /**
         * Sets the number of samples per forward pass.
         *
         * @param size the batch size, at least 1
         * @return this builder
         */
        public Builder optBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * Sets a loss whose per-batch value (DJL convention: the mean over the batch) is averaged
         * into {@link GroupMetrics#meanLoss()}. It receives the full label list {@code [y, g,
         * i]}: wrap a DJL loss that expects one label as {@code new IndexLoss(loss, 0, 0)}.
         *
         * @param evaluationLoss the loss
         * @return this builder
         */
        public Builder optLoss(Loss evaluationLoss) {
            this.loss = evaluationLoss;
            return this;
        }

        /**
         * Sets which model output holds the predictions (default 0).
         *
         * @param index the output index
         * @return this builder
         */
        public Builder optPredictionIndex(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("prediction index must be >= 0, got " + index);
            }
            this.predictionIndex = index;
            return this;
        }

        /**
         * Drops the last partial batch, as CAMEL's evaluation does (ALGORITHMS.md §15.2); off by
         * default, and only for reproducing that protocol.
         *
         * @param drop whether to drop the last partial batch
         * @return this builder
         */
        public Builder optDropLastBatch(boolean drop) {
            this.dropLastBatch = drop;
            return this;
        }

        /**
         * Sets the group spec of the metrics instead of the dataset's. Use the training set's
         * spec when evaluating a test set: its training counts weight {@link
         * GroupMetrics#adjustedAccuracy()} and its alignment defines aligned and conflicting
         * accuracy. It must have the dataset's numbers of classes and attribute values.
         *
         * @param spec the spec
         * @return this builder
         */
        public Builder optGroupSpec(GroupSpec spec) {
            this.groupSpec = spec;
            return this;
        }

        /**
         * Builds the evaluator.
         *
         * @return the immutable evaluator
         */
        public GroupEvaluator build() {
            return new GroupEvaluator(this);
        }
    }
}
