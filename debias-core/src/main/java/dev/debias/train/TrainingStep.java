package dev.debias.train;

import ai.djl.training.dataset.Batch;

/**
 * One optimisation step of a method: forward, backward and the optimiser step(s) on one batch.
 * The loop calls it inside the batch's own native memory scope; arrays made for the step should
 * live on the batch's manager.
 */
@FunctionalInterface
public interface TrainingStep {

    /**
     * Runs the step.
     *
     * @param batch the batch
     * @param context the step's position in its phase (right after a resume too)
     * @return the training loss and the method's named loss terms, on the batch's manager
     */
    StepResult step(Batch batch, StepContext context);
}
