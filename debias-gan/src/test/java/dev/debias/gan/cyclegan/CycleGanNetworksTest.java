package dev.debias.gan.cyclegan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

class CycleGanNetworksTest {

    private static Shape outputOf(Block block, Shape input) {
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, input);
            NDArray x = m.randomUniform(-1, 1, input);
            return block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow().getShape();
        }
    }

    @Test
    void tensorflowSamePaddingIsAsymmetricOnOddSizes() {
        assertArrayEquals(new int[] {1, 1}, SamePadding.pads(28, 4, 2));
        assertArrayEquals(new int[] {1, 2}, SamePadding.pads(7, 4, 2));
        assertArrayEquals(new int[] {1, 1}, SamePadding.pads(256, 4, 2));
        assertArrayEquals(new int[] {0, 1}, SamePadding.pads(5, 2, 2));
    }

    @Test
    void mnistGeneratorKeepsTheImageShapeInTanhRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            UnetGenerator g = UnetGenerator.mnist();
            Shape input = new Shape(3, 1, 28, 28);
            g.initialize(m, DataType.FLOAT32, input);
            NDArray out = g.forward(new ParameterStore(m, false), new NDList(m.randomUniform(-1, 1, input)), true).singletonOrThrow();
            assertEquals(input, out.getShape());
            assertTrue(out.abs().max().getFloat() <= 1f);
            // four skips: down blocks 32..512 and up blocks 256..32 plus the last layer
            assertEquals(5 + 4 + 1, g.getChildren().size());
        }
    }

    @Test
    void patchDiscriminatorGivesThePublishedPatchGrids() {
        assertEquals(new Shape(2, 1, 2, 2), outputOf(new PatchDiscriminator(), new Shape(2, 1, 28, 28)));
        assertEquals(new Shape(1, 1, 14, 14), outputOf(new PatchDiscriminator(), new Shape(1, 3, 128, 128)));
        assertEquals(new Shape(1, 1, 26, 26), outputOf(new PatchDiscriminator(), new Shape(1, 3, 224, 224)));
    }

    @Test
    void generatorsRefuseOtherShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnetGenerator.forImages(new Shape(1, 64, 64)));
        assertTrue(e.getMessage().contains("(1, 64, 64)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnetGenerator.forImages(new Shape(1, 28, 27)));
        assertThrows(IllegalArgumentException.class, () -> UnetGenerator.forImages(new Shape(3, 300, 300)));
        assertEquals(new Shape(3, 28, 28), UnetGenerator.forImages(new Shape(3, 28, 28)).imageShape());
        try (NDManager m = NDManager.newBaseManager()) {
            UnetGenerator g = UnetGenerator.mnist();
            g.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> g.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 3, 28, 28))), false));
            assertTrue(wrong.getMessage().contains("[B, 1, 28, 28]"), wrong.getMessage());
        }
    }

    @Test
    void transposedConvolutionIsPyTorchsConvTranspose2d() {
        // a naive ConvTranspose2d(k=4, s=2, p=1): out[co][2iy + kh - 1][2ix + kw - 1] += x[ci][iy][ix] w[ci][co][kh][kw]
        int cin = 2;
        int cout = 3;
        int h = 3;
        java.util.Random random = new java.util.Random(4);
        float[][][][] w = new float[cin][cout][4][4];
        float[][][] x = new float[cin][h][h];
        for (int ci = 0; ci < cin; ci++) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < h; c++) {
                    x[ci][r][c] = (float) random.nextGaussian();
                }
            }
            for (int co = 0; co < cout; co++) {
                for (int kh = 0; kh < 4; kh++) {
                    for (int kw = 0; kw < 4; kw++) {
                        w[ci][co][kh][kw] = (float) random.nextGaussian();
                    }
                }
            }
        }
        float[] bias = {0.5f, -1f, 2f};
        double[][][] expected = new double[cout][2 * h][2 * h];
        for (int co = 0; co < cout; co++) {
            for (int oy = 0; oy < 2 * h; oy++) {
                for (int ox = 0; ox < 2 * h; ox++) {
                    expected[co][oy][ox] = bias[co];
                }
            }
            for (int ci = 0; ci < cin; ci++) {
                for (int iy = 0; iy < h; iy++) {
                    for (int ix = 0; ix < h; ix++) {
                        for (int kh = 0; kh < 4; kh++) {
                            for (int kw = 0; kw < 4; kw++) {
                                int oy = 2 * iy + kh - 1;
                                int ox = 2 * ix + kw - 1;
                                if (oy >= 0 && oy < 2 * h && ox >= 0 && ox < 2 * h) {
                                    expected[co][oy][ox] += x[ci][iy][ix] * w[ci][co][kh][kw];
                                }
                            }
                        }
                    }
                }
            }
        }
        // parity a = 0 reads input rows (m - 1, m) with kernel rows (3, 1); a = 1 rows (m, m + 1) with (2, 0)
        int[][] taps = {{3, 1}, {2, 0}};
        try (NDManager m = NDManager.newBaseManager()) {
            TransposedConvolution block = new TransposedConvolution(cout, true);
            block.initialize(m, DataType.FLOAT32, new Shape(1, cin, h, h));
            for (var p : block.getParameters()) {
                String name = p.getKey();
                if (name.endsWith("bias")) {
                    p.getValue().getArray().set(bias);
                    continue;
                }
                int a = name.charAt(name.indexOf("sub") + 3) - '0';
                int b = name.charAt(name.indexOf("sub") + 4) - '0';
                float[] kernel = new float[cout * cin * 4];
                for (int co = 0; co < cout; co++) {
                    for (int ci = 0; ci < cin; ci++) {
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                kernel[((co * cin + ci) * 2 + i) * 2 + j] = w[ci][co][taps[a][i]][taps[b][j]];
                            }
                        }
                    }
                }
                p.getValue().getArray().set(kernel);
            }
            float[] flat = new float[cin * h * h];
            for (int ci = 0; ci < cin; ci++) {
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < h; c++) {
                        flat[(ci * h + r) * h + c] = x[ci][r][c];
                    }
                }
            }
            NDArray input = m.create(flat, new Shape(1, cin, h, h));
            float[] out = block.forward(new ParameterStore(m, false), new NDList(input), false).singletonOrThrow().toFloatArray();
            assertEquals(cout * 4 * h * h, out.length);
            for (int co = 0; co < cout; co++) {
                for (int oy = 0; oy < 2 * h; oy++) {
                    for (int ox = 0; ox < 2 * h; ox++) {
                        assertEquals(expected[co][oy][ox], out[(co * 2 * h + oy) * 2 * h + ox], 1e-4, co + "," + oy + "," + ox);
                    }
                }
            }
            assertEquals(cout * cin * 16 + cout, block.getParameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum());
        }
    }

    @Test
    void adversarialLossesByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray d = m.create(new float[] {0f, 2f});
            // BCE with logits: target 1: mean(log(1 + e^-d)); target 0: mean(log(1 + e^d))
            double real = (Math.log(2) + Math.log(1 + Math.exp(-2))) / 2;
            double fake = (Math.log(2) + Math.log(1 + Math.exp(2))) / 2;
            assertEquals(real, AdversarialLoss.BCE.of(d, 1f).getFloat(), 1e-6);
            assertEquals(fake, AdversarialLoss.BCE.of(d, 0f).getFloat(), 1e-6);
            assertEquals((1 + 1) / 2.0, AdversarialLoss.LSGAN.of(d, 1f).getFloat(), 1e-6);
            assertEquals(-1.0, AdversarialLoss.WGAN.of(d, 1f).getFloat(), 1e-6);
            assertEquals(1.0, AdversarialLoss.WGAN.of(d, 0f).getFloat(), 1e-6);
            // large logits stay finite
            assertTrue(Float.isFinite(AdversarialLoss.BCE.of(m.create(new float[] {-200f, 200f}), 1f).getFloat()));
        }
    }

    @Test
    void mnistAugmentationRotatesAboutTheCentreAndShifts() {
        float[] image = new float[28 * 28];
        image[10 * 28 + 20] = 1f;
        // no rotation, shift by (+2, -3): output (r, c) = input (r + 2, c - 3)
        float[] shifted = MnistAugmentation.transform(image, 28, 0, 2, -3);
        assertEquals(1f, shifted[8 * 28 + 23], 1e-6f);
        // a quarter turn maps (row 10, col 20) about the centre 13.5: offset (-3.5, 6.5) -> (6.5, 3.5)
        float[] turned = MnistAugmentation.transform(image, 28, Math.PI / 2, 0, 0);
        float sum = 0;
        for (float v : turned) {
            sum += v;
        }
        assertEquals(1f, sum, 1e-4f);
        int peak = 0;
        for (int p = 1; p < turned.length; p++) {
            peak = turned[p] > turned[peak] ? p : peak;
        }
        int row = peak / 28;
        int col = peak % 28;
        assertTrue((row == 20 && col == 17) || (row == 7 && col == 10), "peak at " + row + "," + col);
    }
}
