package dev.debias.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.metrics.GroupMetrics;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.train.BiasedToyData;
import dev.debias.train.ErmConfig;
import dev.debias.train.ErmTrainer;
import dev.debias.train.EvaluationRecord;
import dev.debias.train.KillingDataset;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainedModel;
import dev.debias.train.TrainingConfig;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class DcwpTrainerTest {

    private static final int BATCH = 64;
    private static GroupedArrayDataset train;
    private static GroupedArrayDataset validation;
    private static GroupedArrayDataset test;

    @BeforeAll
    static void data() {
        train = BiasedToyData.train(2000, 0.02, 1, BATCH);
        validation = BiasedToyData.balanced(1000, 2);
        test = BiasedToyData.balanced(2000, 3);
    }

    @AfterAll
    static void close() {
        train.close();
        validation.close();
        test.close();
    }

    private static ColoredMnistMlp backbone() {
        return ColoredMnistMlp.builder().setHiddenSizes(32, 32).setNumClasses(2).optInputSize(BiasedToyData.DIM).build();
    }

    private static TrainingConfig.Builder phase(long steps, float lr) {
        return BiasedToyData.training(steps).optOptimizer(OptimizerConfig.adam(lr).build()).optEvaluateEvery(25);
    }

    private static DcwpConfig.Builder config(long finetuneSteps, float lambdaSparse) {
        return DcwpConfig.builder()
                .setMining(MiningConfig.builder().setTraining(phase(100, 1e-2f).build()).build())
                .setCandidate(phase(150, 1e-2f).build())
                .setPruning(phase(100, 1e-2f).build())
                .setFinetuning(phase(finetuneSteps, 1e-3f).build())
                .setFinetuneUpweight(20)
                .optLambdaSparse(lambdaSparse);
    }

    private static DcwpTrainer trainer(DcwpConfig config) {
        return new DcwpTrainer(config, DcwpTrainerTest::backbone, BiasedToyData.INPUT);
    }

    @Test
    void dcwpBeatsErmOnConflictingSamples() {
        GroupMetrics erm;
        try (ErmTrainer trainer = new ErmTrainer(
                ErmConfig.builder().setTraining(phase(250, 1e-2f).build()).build(), DcwpTrainerTest::backbone, BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            erm = trainer.evaluate(test);
        }
        try (DcwpTrainer trainer = trainer(config(100, 1e-8f).build())) {
            trainer.fit(train, validation);
            GroupMetrics dcwp = trainer.evaluate(test);
            MinedSet.Quality quality = trainer.miningQuality().orElseThrow();
            System.out.printf("toy data: conflicting accuracy ERM %.3f, DCWP %.3f; mined %d, precision %.2f, recall %.2f, kept %.3f%n",
                    erm.conflictingAccuracy(), dcwp.conflictingAccuracy(), quality.mined(), quality.precision(),
                    quality.recall(), trainer.maskReport().keptRatio());
            assertTrue(dcwp.conflictingAccuracy() > erm.conflictingAccuracy() + 0.10,
                    "conflicting accuracy: DCWP " + dcwp.conflictingAccuracy() + " vs ERM " + erm.conflictingAccuracy());
            assertTrue(quality.recall() > 0.5, "recall " + quality.recall());
            List<String> phases = trainer.history().stream().map(EvaluationRecord::phase).distinct().toList();
            assertEquals(List.of(DcwpTrainer.BIAS_MODEL, DcwpTrainer.PRETRAIN, DcwpTrainer.PRUNE, DcwpTrainer.FINETUNE), phases);
            // Each phase's own result (what bench times), not the last phase's.
            assertEquals(100, trainer.phaseResult(DcwpTrainer.BIAS_MODEL).orElseThrow().steps());
            assertEquals(150, trainer.phaseResult(DcwpTrainer.PRETRAIN).orElseThrow().steps());
            assertEquals(90, trainer.phaseResult(DcwpTrainer.PRUNE).orElseThrow().timing().measuredSteps());
            assertTrue(trainer.phaseResult("no-such-phase").isEmpty());
        }
    }

    @Test
    void nothingAccumulatesOnTheModelsManagerInAnyPhase() {
        assertEquals(arraysAfterPhasesOf(10), arraysAfterPhasesOf(100));
    }

    /** The arrays the candidate's manager holds after a run whose four phases have {@code steps} steps each. */
    private static int arraysAfterPhasesOf(long steps) {
        DcwpConfig config = DcwpConfig.builder()
                .setMining(MiningConfig.builder().setTraining(phase(steps, 1e-2f).build()).build())
                .setCandidate(phase(steps, 1e-2f).build())
                .setPruning(phase(steps, 1e-2f).build())
                .setFinetuning(phase(steps, 1e-3f).build())
                .setFinetuneUpweight(20)
                .build();
        try (DcwpTrainer trainer = trainer(config)) {
            trainer.fit(train, validation);
            return trainer.reportedModel().model().getNDManager().getManagedArrays().size();
        }
    }

    @Test
    void sparsityGrowsWithLambdaSparse() {
        double[] kept = new double[3];
        float[] lambdas = {0f, 1e-5f, 1e-4f};
        for (int k = 0; k < lambdas.length; k++) {
            // Adam moves a score by about its learning rate per step: 100 steps at 0.05 can cross 0.
            try (DcwpTrainer trainer = trainer(config(1, lambdas[k]).setPruning(phase(100, 5e-2f).build()).build())) {
                trainer.fit(train, validation);
                kept[k] = trainer.maskReport().keptRatio();
            }
        }
        System.out.println("kept ratio for lambda_sparse " + java.util.Arrays.toString(lambdas) + ": " + java.util.Arrays.toString(kept));
        for (int k = 1; k < kept.length; k++) {
            assertTrue(kept[k - 1] > kept[k], "kept ratios " + java.util.Arrays.toString(kept));
        }
    }

    @Test
    void eachPhaseTouchesOnlyItsOwnParameters(@TempDir Path tmp) throws Exception {
        try (DcwpTrainer trainer = trainer(config(50, 1e-2f).build().toBuilder()
                .setFinetuning(phase(50, 1e-3f).optCheckpointDir(tmp).build())
                .build())) {
            trainer.fit(train, validation);
        }
        List<float[]> pretrained = parameters(tmp.resolve(DcwpTrainer.PRETRAIN).resolve("complete"));
        List<float[]> pruned = parameters(tmp.resolve(DcwpTrainer.PRUNE).resolve("complete"));
        List<float[]> finetuned = parameters(tmp.resolve(DcwpTrainer.FINETUNE).resolve("last"));
        MaskedNetwork probe = MaskedNetwork.of(backbone());
        List<String> names = probe.getParameters().keys();
        var isScore = probe.scoreNames();
        for (int i = 0; i < names.size(); i++) {
            if (isScore.test(names.get(i))) {
                for (float s : pretrained.get(i)) {
                    assertEquals(MaskedNetwork.INITIAL_SCORE, s, "pre-training changed score " + names.get(i));
                }
                assertTrue(!java.util.Arrays.equals(pretrained.get(i), pruned.get(i)), "pruning left " + names.get(i) + " unchanged");
                assertArrayEquals(pruned.get(i), finetuned.get(i), 0f, "fine-tuning changed score " + names.get(i));
            } else {
                assertArrayEquals(pretrained.get(i), pruned.get(i), 0f, "pruning changed weight " + names.get(i));
            }
        }
    }

    private static List<float[]> parameters(Path dir) throws Exception {
        try (Model model = Model.newInstance("candidate")) {
            MaskedNetwork network = MaskedNetwork.of(backbone());
            model.setBlock(network);
            model.load(dir, "candidate");
            List<float[]> values = new ArrayList<>();
            for (Pair<String, Parameter> p : network.getParameters()) {
                values.add(p.getValue().getArray().toFloatArray());
            }
            return values;
        }
    }

    @Test
    void aRunKilledInAnyPhaseResumesToTheUninterruptedResult(@TempDir Path tmp) {
        DcwpConfig base = config(60, 1e-2f).build();
        List<float[]> full = run(base, tmp.resolve("full"), Long.MAX_VALUE, false);
        // Batches asked for: bias model 1-100, its mining pass 101-104 (4 batches of 512), pre-training
        // 105-254, pruning 255-354, fine-tuning 355-414. Kill between checkpoints in each phase.
        for (long killAt : new long[] {40, 103, 190, 290, 390}) {
            Path dir = tmp.resolve("killed-" + killAt);
            run(base, dir, killAt, false);
            List<float[]> resumed = run(base, dir, Long.MAX_VALUE, true);
            for (int i = 0; i < full.size(); i++) {
                assertArrayEquals(full.get(i), resumed.get(i), 0f, "parameter " + i + ", killed at batch " + killAt);
            }
        }
    }

    private static List<float[]> run(DcwpConfig base, Path dir, long killAt, boolean resume) {
        DcwpConfig config = base.toBuilder()
                .setFinetuning(base.training().toBuilder().optCheckpointDir(dir).optResume(resume).build())
                .build();
        try (DcwpTrainer trainer = trainer(config); KillingDataset data = new KillingDataset(train, killAt)) {
            if (killAt != Long.MAX_VALUE) {
                assertThrows(KillingDataset.Killed.class, () -> trainer.fit(data, validation));
                return List.of();
            }
            trainer.fit(data, validation);
            // Phases completed before the kill are restored with their results.
            assertEquals(100, trainer.phaseResult(DcwpTrainer.PRUNE).orElseThrow().steps());
            TrainedModel model = trainer.reportedModel();
            List<float[]> values = new ArrayList<>();
            for (Pair<String, Parameter> p : model.model().getBlock().getParameters()) {
                values.add(p.getValue().getArray().toFloatArray());
            }
            return values;
        }
    }

    @Test
    void anEmptyMinedSetFallsBackToUniformSamplingWithAZeroContrastiveTerm() {
        // Supervised mining on a training set without bias-conflicting samples mines nothing.
        GroupedArrayDataset aligned = BiasedToyData.train(500, 0.0, 5, BATCH);
        try (DcwpTrainer trainer = trainer(config(20, 1e-2f).setMining(
                MiningConfig.builder().optRule(MiningConfig.Rule.SUPERVISED).setTraining(phase(1, 1e-2f).build()).build()).build())) {
            trainer.fit(aligned, validation);
            assertEquals(0, trainer.minedSize());
            for (EvaluationRecord r : trainer.history()) {
                if (r.phase().equals(DcwpTrainer.PRUNE) || r.phase().equals(DcwpTrainer.FINETUNE)) {
                    assertEquals(0.0, r.terms().get("contrastive"), 0.0, r.toString());
                    assertEquals(1.0, r.terms().get("noPositive"), 0.0, r.toString());
                }
            }
        } finally {
            aligned.close();
        }
    }

    @Test
    void miningWrongReturnsExactlyTheSamplesTheBiasedModelMisclassifies(@TempDir Path tmp) throws Exception {
        int[] mined;
        try (DcwpTrainer trainer = trainer(config(1, 1e-8f).build().toBuilder()
                .setFinetuning(phase(1, 1e-3f).optCheckpointDir(tmp).build())
                .build())) {
            trainer.fit(train, validation);
            mined = trainer.minedIndices();
        }
        try (Model biased = Model.newInstance("biased");
                ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            biased.setBlock(backbone());
            biased.load(tmp.resolve(DcwpTrainer.BIAS_MODEL).resolve("last"), "biased");
            dev.debias.train.ErrorSetMiner errors = new dev.debias.train.ErrorSetMiner("errors");
            ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(manager, false);
            errors.mine(data -> biased.getBlock().forward(store, data, false), train, 256, manager.getDevice());
            long[] expected = errors.indices();
            assertTrue(expected.length > 0);
            assertArrayEquals(expected, java.util.Arrays.stream(mined).asLongStream().toArray());
        }
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DcwpConfig.builder().setMining(MiningConfig.builder().setTraining(phase(1, 1e-2f).build()).build()).build());
        assertTrue(e.getMessage().contains("needs mining, candidate, pruning and fine-tuning"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DcwpConfig.coloredMnist(3));
        assertThrows(IllegalArgumentException.class, () -> config(1, -1f));
    }
}
