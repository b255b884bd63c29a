package dev.debias.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class ColoredMnistMlpTest {

    @Test
    void lffPresetHasReferenceLayout() {
        try (Model model = Model.newInstance("lff-mlp")) {
            ColoredMnistMlp mlp = ColoredMnistMlp.lff().build();
            model.setBlock(mlp);
            mlp.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 28, 28));
            // 2352*100+100 + 2 * (100*100+100) + 100*10+10
            assertEquals(256_510, ModelTesting.countTrainable(mlp));
            assertEquals(100, mlp.getFeatureDimension());
            assertEquals(10, mlp.getNumClasses());
            assertEquals(1f / 255f, mlp.getInputScale());
            NDManager m = model.getNDManager();
            NDArray image = m.randomUniform(0f, 1f, new Shape(4, 3, 28, 28));
            assertEquals(new Shape(4, 10), ModelTesting.forward(mlp, m, image, true).getShape());
            NDArray flat = image.reshape(4, 2352);
            assertEquals(new Shape(4, 10), ModelTesting.forward(mlp, m, flat, false).getShape());
        }
    }

    @Test
    void disentPresetExposesSixteenFeatures() {
        try (NDManager m = NDManager.newBaseManager()) {
            ColoredMnistMlp mlp = ColoredMnistMlp.disent().build();
            mlp.initialize(m, DataType.FLOAT32, new Shape(1, 2352));
            // 2352*100+100 + 100*100+100 + 100*16+16 + 16*10+10
            assertEquals(247_186, ModelTesting.countTrainable(mlp));
            NDArray x = m.randomUniform(0f, 1f, new Shape(3, 3, 28, 28));
            NDArray z = ModelTesting.forward(mlp.getFeatures(), m, x, false);
            assertEquals(new Shape(3, 16), z.getShape());
            assertTrue(z.gte(0).all().getBoolean(), "features are ReLU outputs");
            NDArray viaParts = ModelTesting.forward(mlp.getClassifier(), m, z, false);
            NDArray whole = ModelTesting.forward(mlp, m, x, false);
            assertArrayEquals(whole.toFloatArray(), viaParts.toFloatArray(), 0f);
        }
    }

    @Test
    void scalesInputInsideTheModel() {
        try (NDManager m = NDManager.newBaseManager()) {
            ColoredMnistMlp mlp =
                    ColoredMnistMlp.builder()
                            .setHiddenSizes(1)
                            .setNumClasses(1)
                            .optInputSize(2)
                            .optInputScale(0.5f)
                            .build();
            mlp.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            List<Parameter> params = new ArrayList<>(mlp.getParameters().values());
            params.get(0).getArray().set(new float[] {1f, 1f}); // hidden weight [1, 2]
            params.get(1).getArray().set(new float[] {0.5f}); // hidden bias
            params.get(2).getArray().set(new float[] {2f}); // classifier weight [1, 1]
            params.get(3).getArray().set(new float[] {-1f}); // classifier bias
            NDArray x = m.create(new float[] {2f, 4f, -20f, 0f}, new Shape(2, 2));
            // row 0: relu(0.5 * (2 + 4) + 0.5) = 3.5 -> 2 * 3.5 - 1 = 6
            // row 1: relu(0.5 * (-20) + 0.5) = 0 -> -1
            float[] logits = ModelTesting.forward(mlp, m, x, false).toFloatArray();
            assertArrayEquals(new float[] {6f, -1f}, logits, 1e-6f);
        }
    }

    @Test
    void initialisesLinearLayersLikePyTorch() {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            ColoredMnistMlp mlp = ColoredMnistMlp.lff().build();
            mlp.initialize(m, DataType.FLOAT32, new Shape(1, 2352));
            int layers = 0;
            for (Block layer : linearLayers(mlp)) {
                NDArray w = layer.getDirectParameters().get("weight").getArray();
                NDArray b = layer.getDirectParameters().get("bias").getArray();
                float bound = (float) (1 / Math.sqrt(w.getShape().get(1)));
                float maxW = w.abs().max().getFloat();
                float maxB = b.abs().max().getFloat();
                assertTrue(maxW <= bound && maxW > 0.95f * bound, "weight max " + maxW);
                assertTrue(maxB <= bound && maxB > 0.5f * bound, "bias max " + maxB);
                layers++;
            }
            assertEquals(4, layers);
        }
    }

    @Test
    void rejectsInputOfWrongSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            ColoredMnistMlp mlp = ColoredMnistMlp.lff().build();
            mlp.initialize(m, DataType.FLOAT32, new Shape(1, 2352));
            NDArray x = m.zeros(new Shape(2, 3, 28, 27));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> ModelTesting.forward(mlp, m, x, false));
            assertTrue(e.getMessage().contains("(2, 3, 28, 27)"), e.getMessage());
        }
    }

    @Test
    void builderRejectsBadConfiguration() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ColoredMnistMlp.builder().setNumClasses(10).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ColoredMnistMlp.builder().setHiddenSizes(10, 0).setNumClasses(10).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ColoredMnistMlp.lff().setNumClasses(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ColoredMnistMlp.lff().optInputScale(Float.NaN).build());
    }

    static List<Block> linearLayers(Block block) {
        List<Block> out = new ArrayList<>();
        if (block instanceof Linear) {
            out.add(block);
        }
        for (Block child : block.getChildren().values()) {
            out.addAll(linearLayers(child));
        }
        return out;
    }
}
