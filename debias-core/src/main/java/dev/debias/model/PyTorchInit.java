package dev.debias.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;

import java.util.function.Consumer;

/**
 * Applies PyTorch's initialisation conventions to DJL blocks (ALGORITHMS.md §14.6).
 *
 * <p>DJL initialises every weight with {@code XavierInitializer(GAUSSIAN, IN, 2)} (He-normal) and
 * every bias with zeros; PyTorch's {@code nn.Linear} and {@code nn.Conv*} use Kaiming-uniform with
 * {@code a = sqrt(5)} and a bias drawn from {@code U(+-1/sqrt(fan_in))}. The methods here walk a
 * block tree and set the per-parameter initialisers. They must be called before the block is
 * initialised; a later {@code setInitializer} call (for example one made by the {@code Trainer} for
 * {@code DefaultTrainingConfig.optInitializer}) overrides them. BatchNorm parameters keep DJL's
 * defaults ({@code gamma = 1}, {@code beta = 0}), which equal PyTorch's.
 */
public final class PyTorchInit {

    private PyTorchInit() {}

    /**
     * Gives every {@link Linear} and {@link Convolution} in the tree PyTorch's default
     * initialisation: weight {@link KaimingInitializer#pyTorchDefault()}, bias {@link
     * FanInBiasInitializer}.
     *
     * @param block the root of the tree
     */
    public static void applyDefaults(Block block) {
        applyToWeights(block, KaimingInitializer.pyTorchDefault());
    }

    /**
     * Gives every {@link Linear} and {@link Convolution} weight in the tree the given initialiser
     * and every bias of those layers PyTorch's default {@link FanInBiasInitializer} (LfF's
     * ResNet-20 convention: Kaiming-normal weights, default biases).
     *
     * @param block the root of the tree
     * @param weightInitializer the initialiser of the weights
     */
    public static void applyToWeights(Block block, KaimingInitializer weightInitializer) {
        walk(
                block,
                b -> {
                    if (b instanceof Linear || b instanceof Convolution) {
                        Parameter weight = weightOf(b);
                        weight.setInitializer(weightInitializer);
                        for (Parameter p : b.getDirectParameters().values()) {
                            if (p.getType() == Parameter.Type.BIAS) {
                                p.setInitializer(new FanInBiasInitializer(weight));
                            }
                        }
                    }
                });
    }

    /**
     * Gives every {@link Convolution} weight in the tree the given initialiser; biases and linear
     * layers are left as they are (torchvision's ResNet convention after {@link #applyDefaults}).
     *
     * @param block the root of the tree
     * @param weightInitializer the initialiser of the convolution weights
     */
    public static void applyToConvolutionWeights(
            Block block, KaimingInitializer weightInitializer) {
        walk(
                block,
                b -> {
                    if (b instanceof Convolution) {
                        weightOf(b).setInitializer(weightInitializer);
                    }
                });
    }

    private static void walk(Block block, Consumer<Block> visitor) {
        visitor.accept(block);
        for (Block child : block.getChildren().values()) {
            walk(child, visitor);
        }
    }

    private static Parameter weightOf(Block layer) {
        for (Parameter p : layer.getDirectParameters().values()) {
            if (p.getType() == Parameter.Type.WEIGHT) {
                return p;
            }
        }
        throw new IllegalStateException(
                layer.getClass().getSimpleName() + " has no weight parameter");
    }
}
