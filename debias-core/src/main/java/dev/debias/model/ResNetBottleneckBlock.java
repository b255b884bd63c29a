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
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The bottleneck unit of ResNet-50 (He et al., CVPR 2016), as torchvision's v1.5: {@code 1x1 ->
 * BN -> ReLU -> 3x3 (stride here) -> BN -> ReLU -> 1x1 (4x width) -> BN}, plus the input or a
 * {@code 1x1} strided projection with BatchNorm, then ReLU.
 */
final class ResNetBottleneckBlock extends AbstractBlock {

    /** The output width relative to the unit's width. */
    static final int EXPANSION = 4;

    private final Block residual;
    private final Block shortcut;

    ResNetBottleneckBlock(int width, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock();
        main.add(ResNetBasicBlock.conv(width, 1, 1, 0))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(ResNetBasicBlock.conv(width, 3, stride, 1))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(ResNetBasicBlock.conv(width * EXPANSION, 1, 1, 0))
                .add(BatchNorm.builder().build());
        this.residual = addChildBlock("residual", main);
        if (project) {
            SequentialBlock projection = new SequentialBlock();
            projection.add(ResNetBasicBlock.conv(width * EXPANSION, 1, stride, 0)).add(BatchNorm.builder().build());
            this.shortcut = addChildBlock("shortcut", projection);
        } else {
            this.shortcut = null;
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray out = residual.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray identity =
                shortcut == null ? inputs.singletonOrThrow() : shortcut.forward(parameterStore, inputs, training, params).singletonOrThrow();
        return new NDList(Activation.relu(out.add(identity)));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return residual.getOutputShapes(inputShapes);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        residual.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }
}
