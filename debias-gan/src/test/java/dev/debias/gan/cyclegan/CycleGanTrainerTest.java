package dev.debias.gan.cyclegan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.train.ModelSelection;
import dev.debias.train.TrainedModel;
import dev.debias.train.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CycleGAN trainer on 28 x 28 images: domain 0 a bright square top-left, domain 1 bottom-right. */
class CycleGanTrainerTest {

    private static GroupedArrayDataset data;

    @BeforeAll
    static void data() {
        int n = 32;
        byte[] pixels = new byte[n * 784];
        int[] y = new int[n];
        int[] a = new int[n];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            a[i] = (i / 2) % 2;
            int r0 = a[i] == 0 ? 3 : 17;
            for (int r = r0; r < r0 + 8; r++) {
                for (int c = r0; c < r0 + 8; c++) {
                    pixels[i * 784 + r * 28 + c] = (byte) (150 + random.nextInt(100));
                }
            }
        }
        data = GroupedArrayDataset.builder()
                .setImages(pixels, new Shape(1, 28, 28))
                .setLabels(y)
                .optAttributes(a)
                .optGroupSpec(GroupSpec.builder(2, 2).build())
                .build();
    }

    @AfterAll
    static void close() {
        data.close();
    }

    private static CycleGanConfig config(long steps, Path dir, boolean resume) {
        TrainingConfig.Builder training = TrainingConfig.builder()
                .setIterations(steps)
                .optBatchSize(4)
                .optOptimizer(CycleGanConfig.adam(1e-3f).build())
                .optEvaluateEvery(3)
                .optModelSelection(ModelSelection.LAST)
                .optProgressBar(false)
                .optSeed(11);
        if (dir != null) {
            training.optCheckpointDir(dir).optResume(resume);
        }
        return CycleGanConfig.builder()
                .setTraining(training.build())
                .optDiscriminatorOptimizer(CycleGanConfig.adam(5e-5f).build())
                .optPoolSize(8)
                .optAugmentation(CycleGanConfig.Augmentation.MNIST)
                .build();
    }

    private static double gradientSum(TrainedModel model) {
        double sum = 0;
        for (Pair<String, Parameter> p : model.model().getBlock().getParameters()) {
            if (!p.getValue().requiresGradient()) {
                continue;
            }
            try (NDArray g = p.getValue().getArray().getGradient()) {
                sum += g.abs().sum().getFloat();
            }
        }
        return sum;
    }

    private static List<float[]> weights(TrainedModel model) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.model().getBlock().getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void generatorStepLeavesTheDiscriminatorsWithoutGradient() {
        try (CycleGanTrainer trainer = new CycleGanTrainer(config(1, null, false));
                NDManager m = NDManager.newBaseManager()) {
            trainer.fit(data, CycleGanTrainer.ALL_CLASSES, 0, 1);
            List<TrainedModel> nets = trainer.networks();
            NDArray x = m.randomUniform(-1, 1, new Shape(4, 1, 28, 28));
            NDArray y = m.randomUniform(-1, 1, new Shape(4, 1, 28, 28));
            CycleGanTrainer.GeneratorPhase phase = trainer.generatorPhase(x, y);
            assertTrue(gradientSum(nets.get(0)) > 0, "G has gradients");
            assertTrue(gradientSum(nets.get(1)) > 0, "F has gradients");
            assertEquals(0.0, gradientSum(nets.get(2)), "D_X has none");
            assertEquals(0.0, gradientSum(nets.get(3)), "D_Y has none");
            assertTrue(nets.get(2).model().getBlock().getParameters().get(0).getValue().requiresGradient(), "D_X is unfrozen again");
            nets.get(0).step();
            nets.get(1).step();
            // the fakes, pooled as the trainer does, are copies: the discriminator step reaches no generator
            try (ImagePool px = new ImagePool("x", 8, Device.cpu()); ImagePool py = new ImagePool("y", 8, Device.cpu())) {
                px.push(phase.fakeX(), new SplittableRandom(0));
                py.push(phase.fakeY(), new SplittableRandom(1));
                trainer.criticPhase(x, y, px.sample(4, new SplittableRandom(2), m), py.sample(4, new SplittableRandom(3), m));
            }
            assertEquals(0.0, gradientSum(nets.get(0)), "G untouched by the discriminator step");
            assertEquals(0.0, gradientSum(nets.get(1)), "F untouched by the discriminator step");
            assertTrue(gradientSum(nets.get(2)) > 0, "D_X has gradients");
            assertTrue(gradientSum(nets.get(3)) > 0, "D_Y has gradients");
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) {
        List<List<float[]>> full = new ArrayList<>();
        try (CycleGanTrainer trainer = new CycleGanTrainer(config(6, tmp.resolve("full"), false))) {
            trainer.fit(data, CycleGanTrainer.ALL_CLASSES, 0, 1);
            trainer.networks().forEach(n -> full.add(weights(n)));
        }
        Path dir = tmp.resolve("split");
        try (CycleGanTrainer trainer = new CycleGanTrainer(config(3, dir, false))) {
            assertEquals(3, trainer.fit(data, CycleGanTrainer.ALL_CLASSES, 0, 1).steps());
        }
        try (CycleGanTrainer trainer = new CycleGanTrainer(config(6, dir, true))) {
            assertEquals(6, trainer.fit(data, CycleGanTrainer.ALL_CLASSES, 0, 1).steps());
            List<TrainedModel> nets = trainer.networks();
            for (int k = 0; k < nets.size(); k++) {
                List<float[]> resumed = weights(nets.get(k));
                for (int i = 0; i < resumed.size(); i++) {
                    assertArrayEquals(full.get(k).get(i), resumed.get(i), 0f, "network " + k + " parameter " + i);
                }
            }
        }
    }

    @Test
    void holdsAFixedNumberOfArrays() {
        int[] counts = new int[2];
        long[] steps = {4, 16};
        for (int k = 0; k < 2; k++) {
            try (CycleGanTrainer trainer = new CycleGanTrainer(config(steps[k], null, false))) {
                trainer.fit(data, CycleGanTrainer.ALL_CLASSES, 0, 1);
                for (TrainedModel n : trainer.networks()) {
                    counts[k] += n.model().getNDManager().getManagedArrays().size();
                }
            }
        }
        assertEquals(counts[0], counts[1]);
    }

    @Test
    void aSubgroupWithoutImagesAndASmallPoolAreNamed() {
        try (CycleGanTrainer trainer = new CycleGanTrainer(config(1, null, false))) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> trainer.fit(data, 1, 0, 5));
            assertTrue(e.getMessage().contains("target subgroup"), e.getMessage());
        }
        IllegalStateException small = assertThrows(IllegalStateException.class,
                () -> config(1, null, false).toBuilder().optPoolSize(3).build());
        assertTrue(small.getMessage().contains("at least one batch"), small.getMessage());
    }

    @Test
    void translatorNamesWhatItWasNotTrainedForAndSurvivesSaveAndLoad(@TempDir Path tmp) throws Exception {
        try (CycleGanTrainer trainer = new CycleGanTrainer(config(2, null, false));
                NDManager m = NDManager.newBaseManager()) {
            trainer.fit(data, 1, 0, 1);
            CycleGanTranslator translator = trainer.translator(true);
            assertTrue(translator.supports(1, 0, 1));
            assertTrue(translator.supports(1, 1, 0));
            assertTrue(!translator.supports(0, 0, 1));
            NDArray images = m.randomUniform(0, 1, new Shape(3, 1, 28, 28));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> translator.translate(images, 0, 0, 1));
            assertTrue(e.getMessage().contains("class 0"), e.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> translator.translate(m.zeros(new Shape(3, 3, 28, 28)), 1, 0, 1));
            assertTrue(size.getMessage().contains("takes images"), size.getMessage());
            float[] before = translator.translate(images, 1, 0, 1).toFloatArray();
            Path dir = tmp.resolve("translators");
            translator.save(dir);
            assertTrue(Files.isRegularFile(dir.resolve(CycleGanTranslator.INDEX)));
            try (CycleGanTranslator loaded = CycleGanTranslator.load(dir, Device.cpu(), true)) {
                assertArrayEquals(before, loaded.translate(images, 1, 0, 1).toFloatArray(), 1e-6f);
            }
            assertArrayEquals(before, translator.translate(images, 1, 0, 1).toFloatArray(), 1e-6f, "saving leaves the trainer's generator intact");
            IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> translator.save(dir));
            assertTrue(taken.getMessage().contains("already holds"), taken.getMessage());
        }
    }
}
