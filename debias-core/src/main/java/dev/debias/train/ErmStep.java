package dev.debias.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedLabels;
import dev.debias.loss.CrossEntropy;

import java.util.Objects;

/**
 * The ERM step: forward in training mode, mean cross-entropy on the class labels, backward, one
 * update of every optimiser group of the model. Public so that methods built on ERM (JTT's two
 * runs, DCWP's pre-training and fine-tuning, a user's own loop) reuse it instead of a copy.
 */
public final class ErmStep implements TrainingStep {

    /** Receives the training-mode logits of a step, taken before the update. */
    @FunctionalInterface
    public interface LogitsObserver {

        /**
         * Looks at a step's logits (detached use only).
         *
         * @param logits the logits {@code [B, K]}
         * @param batch the batch they belong to
         * @param context the step's position
         */
        void observe(NDArray logits, Batch batch, StepContext context);
    }

    private final TrainedModel model;
    private final LogitsObserver observer;

    /**
     * Creates the step for a model.
     *
     * @param model the model to train
     */
    public ErmStep(TrainedModel model) {
        this(model, (logits, batch, context) -> {});
    }

    /**
     * Creates the step for a model, showing each step's logits to an observer (e.g. JTT's error
     * set recorded during the last identification epoch).
     *
     * @param model the model to train
     * @param observer sees the logits before the update
     */
    public ErmStep(TrainedModel model, LogitsObserver observer) {
        this.model = Objects.requireNonNull(model, "model");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** {@inheritDoc} */
    @Override
    public StepResult step(Batch batch, StepContext context) {
        Trainer trainer = model.trainer();
        NDArray loss;
        NDArray logits;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            logits = trainer.forward(batch.getData()).head();
            loss = CrossEntropy.ofLogits(logits, batch.getLabels().get(GroupedLabels.LABEL)).mean();
            collector.backward(loss);
        }
        observer.observe(logits, batch, context);
        model.step();
        return StepResult.of(loss);
    }
}
