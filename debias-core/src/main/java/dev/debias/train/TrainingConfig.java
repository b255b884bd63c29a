package dev.debias.train;

import ai.djl.Device;

import com.google.gson.JsonObject;

import dev.debias.device.Devices;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Immutable settings of the training loop that every Debias trainer shares: length (iterations or
 * epochs), batch size, optimiser, evaluation period, model selection, checkpointing, resume,
 * seed and console output.
 */
public final class TrainingConfig {

    /** The default seed when none is given. */
    public static final long DEFAULT_SEED = 12345L;

    private final long iterations;
    private final int epochs;
    private final int batchSize;
    private final OptimizerConfig optimizer;
    private final long evaluateEvery;
    private final ModelSelection modelSelection;
    private final Path checkpointDir;
    private final boolean resume;
    private final long seed;
    private final boolean progressBar;
    private final int evaluationBatchSize;
    private final Device device;
    private final StopRequest stopRequest;

    private TrainingConfig(Builder b) {
        this.iterations = b.iterations;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.optimizer = b.optimizer;
        this.evaluateEvery = b.evaluateEvery;
        this.modelSelection = b.modelSelection;
        this.checkpointDir = b.checkpointDir;
        this.resume = b.resume;
        this.seed = b.seed;
        this.progressBar = b.progressBar;
        this.evaluationBatchSize = b.evaluationBatchSize;
        this.device = b.device;
        this.stopRequest = b.stopRequest;
    }

    /**
     * Returns a builder with Adam (lr 1e-3), batch 256 and 1000 iterations.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialised with this config's values.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.iterations = iterations;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.optimizer = optimizer;
        b.evaluateEvery = evaluateEvery;
        b.modelSelection = modelSelection;
        b.checkpointDir = checkpointDir;
        b.resume = resume;
        b.seed = seed;
        b.progressBar = progressBar;
        b.evaluationBatchSize = evaluationBatchSize;
        b.device = device;
        b.stopRequest = stopRequest;
        return b;
    }

    /**
     * Returns the number of optimisation steps for a training set of {@code batchesPerEpoch}
     * batches per epoch.
     *
     * @param batchesPerEpoch batches in one pass of the sampler
     * @return the total number of steps
     */
    public long totalSteps(long batchesPerEpoch) {
        return epochs > 0 ? epochs * batchesPerEpoch : iterations;
    }

    /**
     * Returns the number of epochs, or 0 when the length is given in iterations.
     *
     * @return the epochs
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Returns the number of iterations, or 0 when the length is given in epochs.
     *
     * @return the iterations
     */
    public long iterations() {
        return iterations;
    }

    /**
     * Returns the training batch size.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Returns the optimiser settings.
     *
     * @return the optimiser config
     */
    public OptimizerConfig optimizer() {
        return optimizer;
    }

    /**
     * Returns the number of steps between validations, or 0 for once per epoch.
     *
     * @return the evaluation period in steps
     */
    public long evaluateEvery() {
        return evaluateEvery;
    }

    /**
     * Returns the model-selection rule.
     *
     * @return the rule
     */
    public ModelSelection modelSelection() {
        return modelSelection;
    }

    /**
     * Returns the directory of the best and last checkpoints, if any.
     *
     * @return the directory
     */
    public Optional<Path> checkpointDir() {
        return Optional.ofNullable(checkpointDir);
    }

    /**
     * Returns whether to resume from the last checkpoint when one exists.
     *
     * @return true to resume
     */
    public boolean resume() {
        return resume;
    }

    /**
     * Returns the seed of initialisation and sampling.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns whether a progress bar is drawn on the console.
     *
     * @return true to draw it
     */
    public boolean progressBar() {
        return progressBar;
    }

    /**
     * Returns the batch size used for evaluation passes.
     *
     * @return the evaluation batch size
     */
    public int evaluationBatchSize() {
        return evaluationBatchSize;
    }

    /**
     * Returns the device to train on: the one set with {@link Builder#optDevice(Device)}, else
     * {@link Devices#choose()} (a GPU when DJL reports one, overridable by {@code
     * -Ddebias.device}).
     *
     * @return the device
     */
    public Device device() {
        return device != null ? device : Devices.choose();
    }

    /**
     * Returns the request that stops the run at a step boundary, if the run has one. It is not a
     * setting of the results: {@link #describe()} leaves it out.
     *
     * @return the request
     */
    public Optional<StopRequest> stopRequest() {
        return Optional.ofNullable(stopRequest);
    }

    /**
     * Describes every setting as data, with the values actually used (the device resolved),
     * for run manifests and resume checks.
     *
     * @return the settings
     */
    public JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("iterations", iterations);
        json.addProperty("epochs", epochs);
        json.addProperty("batchSize", batchSize);
        json.add("optimizer", optimizer.describe());
        json.addProperty("evaluateEvery", evaluateEvery);
        json.addProperty("modelSelection", modelSelection.name());
        json.addProperty("seed", seed);
        json.addProperty("evaluationBatchSize", evaluationBatchSize);
        json.addProperty("progressBar", progressBar);
        json.addProperty("checkpointDir", checkpointDir == null ? null : checkpointDir.toString());
        json.addProperty("resume", resume);
        json.addProperty("device", device().toString());
        return json;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return describe().toString();
    }

    /** Builds a {@link TrainingConfig}. */
    public static final class Builder {

        private long iterations = 1000;
        private int epochs;
        private int batchSize = 256;
        private OptimizerConfig optimizer = OptimizerConfig.adam(1e-3f).build();
        private long evaluateEvery;
        private ModelSelection modelSelection = ModelSelection.AUTO;
        private Path checkpointDir;
        private boolean resume;
        private long seed = DEFAULT_SEED;
        private boolean progressBar;
        private int evaluationBatchSize = 1024;
        private Device device;
        private StopRequest stopRequest;

        Builder() {}

        /**
         * Sets the device to train on (default: {@link Devices#choose()}).
         *
         * @param value the device, or null for the default
         * @return this builder
         */
        public Builder optDevice(Device value) {
            this.device = value;
            return this;
        }

        /**
         * Trains for a number of optimisation steps.
         *
         * @param steps the number of steps, at least 1
         * @return this builder
         */
        public Builder setIterations(long steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("iterations must be >= 1, got " + steps);
            }
            this.iterations = steps;
            this.epochs = 0;
            return this;
        }

        /**
         * Trains for a number of passes of the sampler.
         *
         * @param passes the number of epochs, at least 1
         * @return this builder
         */
        public Builder setEpochs(int passes) {
            if (passes < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + passes);
            }
            this.epochs = passes;
            this.iterations = 0;
            return this;
        }

        /**
         * Sets the training batch size (default 256).
         *
         * @param size the batch size
         * @return this builder
         */
        public Builder optBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * Sets the optimiser (default Adam, lr 1e-3).
         *
         * @param config the optimiser settings
         * @return this builder
         */
        public Builder optOptimizer(OptimizerConfig config) {
            this.optimizer = java.util.Objects.requireNonNull(config, "optimizer");
            return this;
        }

        /**
         * Sets the number of steps between validations (default 0: once per epoch).
         *
         * @param steps the period
         * @return this builder
         */
        public Builder optEvaluateEvery(long steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("evaluateEvery must be >= 0, got " + steps);
            }
            this.evaluateEvery = steps;
            return this;
        }

        /**
         * Sets the model-selection rule (default {@link ModelSelection#AUTO}).
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder optModelSelection(ModelSelection rule) {
            this.modelSelection = java.util.Objects.requireNonNull(rule, "modelSelection");
            return this;
        }

        /**
         * Writes best and last checkpoints under this directory.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder optCheckpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /**
         * Resumes from the last checkpoint in the checkpoint directory when one exists.
         *
         * @param value true to resume
         * @return this builder
         */
        public Builder optResume(boolean value) {
            this.resume = value;
            return this;
        }

        /**
         * Sets the seed (default {@value TrainingConfig#DEFAULT_SEED}).
         *
         * @param value the seed
         * @return this builder
         */
        public Builder optSeed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Draws a progress bar on the console (default off).
         *
         * @param value true to draw it
         * @return this builder
         */
        public Builder optProgressBar(boolean value) {
            this.progressBar = value;
            return this;
        }

        /**
         * Lets another thread stop the run at a step boundary (default: none): the run then writes
         * its {@code last} checkpoint at that step, when it has a checkpoint directory, and throws
         * a {@link TrainingStoppedException}.
         *
         * @param value the request, or null for none
         * @return this builder
         */
        public Builder optStopRequest(StopRequest value) {
            this.stopRequest = value;
            return this;
        }

        /**
         * Sets the evaluation batch size (default 1024).
         *
         * @param size the batch size
         * @return this builder
         */
        public Builder optEvaluationBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("evaluation batch size must be >= 1");
            }
            this.evaluationBatchSize = size;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         */
        public TrainingConfig build() {
            if (resume && checkpointDir == null) {
                throw new IllegalArgumentException("resume needs a checkpoint directory");
            }
            return new TrainingConfig(this);
        }
    }
}
