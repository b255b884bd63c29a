package dev.debias.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;

import org.junit.jupiter.api.Test;

class SmallCnnTest {

    @Test
    void defaultLayoutOnColoredMnist() {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallCnn cnn = SmallCnn.builder().setNumClasses(10).build();
            cnn.initialize(m, DataType.FLOAT32, new Shape(1, 3, 28, 28));
            // conv 32*3*9 + bn 2*32 + conv 64*32*9 + bn 2*64 + fc 64*10+10
            assertEquals(864 + 64 + 18_432 + 128 + 650, ModelTesting.countTrainable(cnn));
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 28, 28));
            assertEquals(new Shape(2, 10), ModelTesting.forward(cnn, m, x, true).getShape());
            assertEquals(
                    new Shape(2, 64),
                    ModelTesting.forward(cnn.getFeatures(), m, x, false).getShape());
        }
    }

    @Test
    void acceptsAnyImageSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallCnn cnn = SmallCnn.builder().setNumClasses(3).optChannels(8).build();
            cnn.initialize(m, DataType.FLOAT32, new Shape(1, 1, 20, 36));
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 1, 20, 36));
            assertEquals(new Shape(2, 3), ModelTesting.forward(cnn, m, x, false).getShape());
        }
    }

    @Test
    void dcwpPresetMatchesReferenceCnn() {
        try (NDManager m = NDManager.newBaseManager()) {
            SmallCnn cnn = SmallCnn.dcwp().build();
            cnn.initialize(m, DataType.FLOAT32, new Shape(1, 3, 28, 28));
            // convs 64*3*16, 128*64*16, 256*128*16 (no bias), bns 2*(64+128+256), fc 256*10+10
            long expected = 3_072 + 131_072 + 524_288 + 2 * (64 + 128 + 256) + 2_570;
            assertEquals(expected, ModelTesting.countTrainable(cnn));
            assertEquals(256, cnn.getFeatureDimension());
            for (Block child : cnn.getFeatures().getChildren().values()) {
                if (child instanceof Conv2d) {
                    Conv2d conv = (Conv2d) child;
                    assertEquals(new Shape(4, 4), conv.getKernelShape());
                    assertEquals(new Shape(2, 2), conv.getStride());
                    assertEquals(false, conv.isIncludeBias());
                    Parameter w = conv.getDirectParameters().get("weight");
                    float bound = (float) FanInBiasInitializer.bound(w.getShape());
                    assertTrue(w.getArray().abs().max().getFloat() <= bound);
                }
            }
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 3, 28, 28));
            assertEquals(new Shape(2, 10), ModelTesting.forward(cnn, m, x, true).getShape());
        }
    }

    @Test
    void builderRejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> SmallCnn.builder().build());
        assertThrows(
                IllegalArgumentException.class,
                () -> SmallCnn.builder().setNumClasses(2).optChannels().build());
        assertThrows(
                IllegalArgumentException.class,
                () -> SmallCnn.builder().setNumClasses(2).optStride(0).build());
    }
}
