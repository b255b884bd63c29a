package dev.debias.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The two-convolution residual unit of ResNet-18/34 (He et al., CVPR 2016) in torchvision's layout:
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}, 3 x 3 convolutions without bias, the
 * first with the unit's stride; the shortcut is the identity, or {@code 1 x 1 conv (stride s, no
 * bias) -> BatchNorm} when the stride or the channel count changes.
 */
final class ResNetBasicBlock extends AbstractBlock {

    private final Block residual;
    private final Block shortcut;

    /**
     * Creates a unit.
     *
     * @param channels the output channels
     * @param stride the stride of the first convolution and of the projection
     * @param project whether the shortcut is a {@code 1 x 1} projection instead of the identity
     */
    ResNetBasicBlock(int channels, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock();
        main.add(conv(channels, 3, stride, 1))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv(channels, 3, 1, 1))
                .add(BatchNorm.builder().build());
        this.residual = addChildBlock("residual", main);
        if (project) {
            SequentialBlock projection = new SequentialBlock();
            projection.add(conv(channels, 1, stride, 0)).add(BatchNorm.builder().build());
            this.shortcut = addChildBlock("shortcut", projection);
        } else {
            this.shortcut = null;
        }
    }

    static Conv2d conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(false)
                .build();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray out = residual.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray identity =
                shortcut == null
                        ? inputs.singletonOrThrow()
                        : shortcut.forward(parameterStore, inputs, training, params)
                                .singletonOrThrow();
        return new NDList(Activation.relu(out.add(identity)));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return residual.getOutputShapes(inputShapes);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        residual.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }
}
