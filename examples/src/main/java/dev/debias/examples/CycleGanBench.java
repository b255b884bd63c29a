package dev.debias.examples;

import dev.debias.data.MnistCorrelation;
import dev.debias.gan.cyclegan.CycleGanConfig;
import dev.debias.gan.cyclegan.CycleGanTrainer;
import dev.debias.train.TrainingConfig;
import dev.debias.train.TrainingResult;

import java.util.Locale;

/**
 * {@code debias bench --method cyclegan}: times CAMEL's stage-1 step (the generator phase and the
 * discriminator phase) on MNIST-Correlation's CycleGAN data, 28&times;28, with the preset's
 * settings and augmentation, and prints the same lines as the other benchmarks.
 */
final class CycleGanBench {

    private CycleGanBench() {}

    static double run(long steps, int batchSize) throws Exception {
        try (ExperimentData.Loaded data = ExperimentData.load(ExperimentData.MNIST_CORRELATION, 1.0, 4, 0, 0.5, true);
                ResidentMemory rss = new ResidentMemory(200)) {
            System.out.println("data: " + data.description() + ", CycleGAN domains clean / zigzag");
            CycleGanConfig preset = CycleGanConfig.mnistCorrelation(steps);
            TrainingConfig training =
                    preset.training().toBuilder().optBatchSize(batchSize).optEvaluateEvery(steps).optProgressBar(false).build();
            try (CycleGanTrainer trainer = new CycleGanTrainer(preset.toBuilder().setTraining(training).build())) {
                TrainingResult result =
                        trainer.fit(data.translationDomains(), CycleGanTrainer.ALL_CLASSES, MnistCorrelation.CLEAN, MnistCorrelation.ZIGZAG);
                int arrays = trainer.generator(true).getNDManager().getManagedArrays().size();
                System.out.printf(Locale.ROOT, "method: cyclegan, phase: cyclegan, device: %s, batch: %d per domain%n",
                        training.device(), batchSize);
                System.out.printf(Locale.ROOT, "steps timed: %d after %d warm-up steps%n",
                        result.timing().measuredSteps(), result.timing().warmupSteps());
                System.out.println(rss.report());
                System.out.printf(Locale.ROOT, "arrays held by the generator's manager: %d%n", arrays);
                System.out.printf(Locale.ROOT, "ms_per_iteration: %.3f%n", result.timing().millisPerStep());
                return result.timing().millisPerStep();
            }
        }
    }
}
