package dev.debias.train;

import dev.debias.data.GroupedDataset;

import dev.debias.sampler.EpochSampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One named loop of a {@link PhasedRun}: its own sampler, step, length, evaluation and model
 * selection ({@link TrainingConfig}; its checkpoint directory and resume flag are the run's), the
 * parts whose state its checkpoints hold, and a completion record: the state later phases need
 * (JTT's error set; DCWP's mined set and masks), written once the phase has finished and restored
 * instead of training the phase again when a resumed run reaches it.
 *
 * <pre>{@code
 * Phase identification = Phase.builder()
 *         .setName("identification")
 *         .setTraining(config.identification())
 *         .setSampler(sampler)
 *         .setStep(new ErmStep(identifier).recordingErrorsIn(lastEpoch, errors))
 *         .optValidator(dataset -> evaluate(identifier, dataset))
 *         .addParts(identifier, errors)
 *         .addCompletionState(errors)
 *         .build();
 * }</pre>
 */
public final class Phase {

    /** Work done once after the phase's last step, before its completion record is written. */
    @FunctionalInterface
    public interface Finisher {

        /** Runs the work (e.g. mine an error set with the trained model). */
        void finish();
    }

    private final String name;
    private final TrainingConfig training;
    private final EpochSampler sampler;
    private final TrainingStep step;
    private final TrainingLoop.Validator validator;
    private final List<Checkpointable> parts;
    private final List<Checkpointable> completionState;
    private final Finisher finisher;
    private final GroupedDataset trainingData;

    private Phase(Builder b) {
        this.name = b.name;
        this.training = b.training;
        this.sampler = b.sampler;
        this.step = b.step;
        this.validator = b.validator;
        this.parts = List.copyOf(b.parts);
        this.completionState = List.copyOf(b.completionState);
        this.finisher = b.finisher;
        this.trainingData = b.trainingData;
    }

    /**
     * Returns the phase's own view of the training set, if it has one (CAMEL's triplets).
     *
     * @return the training data of this phase, or empty for the run's training set
     */
    public java.util.Optional<GroupedDataset> trainingData() {
        return java.util.Optional.ofNullable(trainingData);
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the phase's name: its folder under the run's checkpoints and its label in the
     * history.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the phase's loop settings.
     *
     * @return the settings
     */
    public TrainingConfig training() {
        return training;
    }

    /**
     * Returns the sampler.
     *
     * @return the sampler
     */
    public EpochSampler sampler() {
        return sampler;
    }

    /**
     * Returns the step.
     *
     * @return the step
     */
    public TrainingStep step() {
        return step;
    }

    /**
     * Returns the validator of the model the phase selects.
     *
     * @return the validator, or empty for a phase without a classifier to validate (a CycleGAN)
     */
    public java.util.Optional<TrainingLoop.Validator> validator() {
        return java.util.Optional.ofNullable(validator);
    }

    /**
     * Returns the parts saved in every checkpoint of the phase.
     *
     * @return the parts
     */
    public List<Checkpointable> parts() {
        return parts;
    }

    /**
     * Returns the parts saved in the completion record.
     *
     * @return the completion state
     */
    public List<Checkpointable> completionState() {
        return completionState;
    }

    Finisher finisher() {
        return finisher;
    }

    /** Builds a {@link Phase}. */
    public static final class Builder {

        private String name;
        private TrainingConfig training;
        private EpochSampler sampler;
        private TrainingStep step;
        private TrainingLoop.Validator validator;
        private final List<Checkpointable> parts = new ArrayList<>();
        private final List<Checkpointable> completionState = new ArrayList<>();
        private Finisher finisher = () -> {};
        private GroupedDataset trainingData;

        Builder() {}

        /**
         * Sets the phase's own view of the run's training set: the same samples in the same
         * order, with more data per sample (CAMEL's {@code [x, F(x), G(x)]} triplets); default the
         * run's training set.
         *
         * @param value the dataset, of the training set's size
         * @return this builder
         */
        public Builder optTrainingData(GroupedDataset value) {
            this.trainingData = Objects.requireNonNull(value, "training data");
            return this;
        }

        /**
         * Sets the name: letters, digits, {@code -} and {@code _}.
         *
         * @param value the name
         * @return this builder
         */
        public Builder setName(String value) {
            if (value == null || !value.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("a phase name needs letters, digits, - or _, got " + value);
            }
            this.name = value;
            return this;
        }

        /**
         * Sets the loop settings (length, batch size, evaluation period, selection, seed).
         *
         * @param value the settings
         * @return this builder
         */
        public Builder setTraining(TrainingConfig value) {
            this.training = Objects.requireNonNull(value, "training");
            return this;
        }

        /**
         * Sets the sampler; epoch {@code e} of the phase draws {@code sampler.sample(train, e)}.
         *
         * @param value the sampler
         * @return this builder
         */
        public Builder setSampler(EpochSampler value) {
            this.sampler = Objects.requireNonNull(value, "sampler");
            return this;
        }

        /**
         * Sets the step.
         *
         * @param value the step
         * @return this builder
         */
        public Builder setStep(TrainingStep value) {
            this.step = Objects.requireNonNull(value, "step");
            return this;
        }

        /**
         * Sets how the model this phase selects is validated (default none: a phase without a
         * classifier to validate, such as a CycleGAN, records empty metrics with its loss terms
         * and keeps its last model).
         *
         * @param value the validator
         * @return this builder
         */
        public Builder optValidator(TrainingLoop.Validator value) {
            this.validator = Objects.requireNonNull(value, "validator");
            return this;
        }

        /**
         * Adds parts saved in every checkpoint (models with their optimisers, method state).
         *
         * @param values the parts
         * @return this builder
         */
        public Builder addParts(Checkpointable... values) {
            for (Checkpointable part : values) {
                parts.add(Objects.requireNonNull(part, "part"));
            }
            return this;
        }

        /**
         * Adds parts saved in the completion record, for the phases that follow.
         *
         * @param values the parts
         * @return this builder
         */
        public Builder addCompletionState(Checkpointable... values) {
            for (Checkpointable part : values) {
                completionState.add(Objects.requireNonNull(part, "part"));
            }
            return this;
        }

        /**
         * Sets work done once after the last step, before the completion record is written
         * (default none); not run when a resumed run restores the completion record instead.
         *
         * @param value the work
         * @return this builder
         */
        public Builder optFinisher(Finisher value) {
            this.finisher = Objects.requireNonNull(value, "finisher");
            return this;
        }

        /**
         * Builds the phase.
         *
         * @return the phase
         * @throws IllegalStateException if a required setting is missing or two parts share a name
         */
        public Phase build() {
            if (name == null || training == null || sampler == null || step == null) {
                throw new IllegalStateException("a phase needs a name, training settings, a sampler and a step");
            }
            if (validator == null && training.modelSelection() != ModelSelection.LAST) {
                throw new IllegalStateException(
                        "phase " + name + " has no validator, so it can only keep its last model (ModelSelection.LAST), not "
                                + training.modelSelection());
            }
            checkUnique(parts);
            checkUnique(completionState);
            return new Phase(this);
        }

        private static void checkUnique(List<Checkpointable> list) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Checkpointable part : list) {
                if (!names.add(part.checkpointName())) {
                    throw new IllegalStateException("two checkpoint parts are named " + part.checkpointName());
                }
            }
        }
    }
}
