package dev.debias.examples;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.debias.train.DebiasTrainer;
import dev.debias.train.ErmConfig;
import dev.debias.train.ErmTrainer;
import dev.debias.train.GroupDroConfig;
import dev.debias.train.GroupDroTrainer;
import dev.debias.train.JttConfig;
import dev.debias.train.JttTrainer;
import dev.debias.train.LfFConfig;
import dev.debias.train.LfFTrainer;
import dev.debias.train.TrainingConfig;

import java.util.List;
import java.util.function.Supplier;

/** Maps the method names of the command line to trainers with the Colored MNIST presets. */
public final class Methods {

    /** Method names the command line accepts. */
    public static final List<String> NAMES = List.of("erm", "gdro", "lff", "jtt");

    private Methods() {}

    /**
     * Creates a trainer.
     *
     * @param method one of {@link #NAMES}
     * @param training the shared training settings (overriding the preset's)
     * @param blocks makes the model blocks
     * @param inputShape the input shape with a batch axis
     * @return the trainer
     */
    public static DebiasTrainer create(String method, TrainingConfig training, Supplier<Block> blocks, Shape inputShape) {
        return create(method, training, MethodOptions.PRESETS, 1.0, blocks, inputShape);
    }

    /**
     * Creates a trainer with some hyperparameters overridden.
     *
     * @param method one of {@link #NAMES}
     * @param training the shared training settings (overriding the preset's)
     * @param options the method's overridden hyperparameters
     * @param conflictPercent the percentage of bias-conflicting training samples, which picks
     *     JTT's preset ({@link JttConfig#coloredMnist(double)})
     * @param blocks makes the model blocks
     * @param inputShape the input shape with a batch axis
     * @return the trainer
     */
    public static DebiasTrainer create(
            String method,
            TrainingConfig training,
            MethodOptions options,
            double conflictPercent,
            Supplier<Block> blocks,
            Shape inputShape) {
        switch (method) {
            case "erm":
                return new ErmTrainer(
                        ErmConfig.builder()
                                .setTraining(training)
                                .optGroupBalanced(Boolean.TRUE.equals(options.groupBalanced()))
                                .build(),
                        blocks,
                        inputShape);
            case "gdro":
                return new GroupDroTrainer(
                        options.apply(GroupDroConfig.builder().setTraining(training)).build(), blocks, inputShape);
            case "lff":
                return new LfFTrainer(options.apply(LfFConfig.builder().setTraining(training)).build(), blocks, inputShape);
            case "jtt":
                JttConfig preset = JttConfig.coloredMnist(conflictPercent);
                TrainingConfig identification =
                        training.toBuilder()
                                .setEpochs(
                                        options.identificationEpochs() != null
                                                ? options.identificationEpochs()
                                                : preset.identification().epochs())
                                .optCheckpointDir(null)
                                .optResume(false)
                                .build();
                return new JttTrainer(
                        options.apply(preset.toBuilder().setIdentification(identification).setTraining(training))
                                .build(),
                        blocks,
                        inputShape);
            default:
                throw new CliException("unknown method '" + method + "'; known: " + String.join(", ", NAMES));
        }
    }
}
