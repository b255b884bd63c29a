package dev.debias.train;

import com.google.gson.JsonObject;

/**
 * The settings of one debiasing method, as its {@link DebiasTrainer} needs them: the main {@link
 * TrainingConfig} (whose device, checkpoint directory, resume flag, progress bar and evaluation
 * batch size apply to the whole run) and a complete description of every setting, which the run
 * writes into each checkpoint and compares on resume. Every method's config implements it
 * ({@link ErmConfig}, {@link GroupDroConfig}, {@link LfFConfig}, {@link JttConfig}, {@link
 * CamelConfig}, and those of the other modules).
 */
public interface MethodConfig {

    /**
     * Returns the method's main training settings.
     *
     * @return the settings
     */
    TrainingConfig training();

    /**
     * Describes every setting as data; a setting missing here is not checked on resume.
     *
     * @return the settings, with a {@code method} name and the main {@code training} settings
     */
    JsonObject describe();
}
