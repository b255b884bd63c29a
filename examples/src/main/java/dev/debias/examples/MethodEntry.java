package dev.debias.examples;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.debias.train.DebiasTrainer;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One method as {@code train}, {@code demo}, {@code reproduce} and {@code bench} see it: its name,
 * its own command-line options, how its trainer is made from the library's preset and the
 * overrides, and the Colored MNIST numbers its paper's protocol reports. {@link MethodRegistry}
 * lists every entry; a new method adds its entry class and one line there.
 */
public interface MethodEntry {

    /**
     * What a trainer is made from.
     *
     * @param training the shared settings given on the command line
     * @param options the method's own options given on the command line, by name without
     *     {@code --}
     * @param conflictPercent the measured percentage of bias-conflicting training samples (some
     *     presets depend on it)
     * @param blocks makes the model blocks
     * @param inputShape the input shape with a batch axis
     */
    record Request(
            TrainingOverrides training,
            Map<String, String> options,
            double conflictPercent,
            Supplier<Block> blocks,
            Shape inputShape) {}

    /**
     * Returns the name on the command line.
     *
     * @return e.g. {@code gdro}
     */
    String name();

    /**
     * Returns the method's own options, each {@code --name VALUE} with its help text.
     *
     * @return option name (without {@code --}) and a short help, in usage order
     */
    Map<String, String> options();

    /**
     * Creates the trainer: the library's Colored MNIST preset, then the overrides.
     *
     * @param request the overrides and the model
     * @return the trainer
     * @throws CliException if an option's value is malformed
     */
    DebiasTrainer create(Request request);

    /**
     * Returns the published unbiased test accuracy (%) on Colored MNIST at {@link
     * ReproduceCommand#PUBLISHED_PERCENTS}, or an empty list when there is none.
     *
     * @return the numbers, in the order of the percentages
     */
    List<Double> publishedColoredMnist();

    /**
     * Returns whether the method's paper reports the model selected on validation (otherwise the
     * final model), for {@code reproduce}'s paper-protocol table.
     *
     * @return true if the paper selects on validation
     */
    boolean paperReportsSelectedModel();

    /**
     * Returns whether {@code demo} trains this method.
     *
     * @return true for the demo's methods
     */
    boolean inDemo();
}
