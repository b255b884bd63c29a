package dev.debias.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedDataset;
import dev.debias.io.AtomicFiles;
import dev.debias.loss.NonFiniteLossException;
import dev.debias.metrics.GroupMetrics;
import dev.debias.sampler.EpochSampler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The one training loop under every Debias trainer.
 *
 * <p>It draws batches from an {@link EpochSampler} (one seeded pass per epoch), hands each
 * batch to the method's {@link BatchStep} inside the batch's own native memory scope, stops with
 * a {@link TrainingDivergedException} naming the step when a loss is not finite, validates every
 * {@link TrainingConfig#evaluateEvery()} steps (or once per epoch) and at the end, keeps the
 * evaluation chosen by the {@link ModelSelection} rule, writes the validation history as JSON
 * Lines and CSV, and saves {@code best/} and {@code last/} checkpoints atomically (the model
 * parameters, optimiser state, method state and loop position). With {@link
 * TrainingConfig#resume()} it continues from {@code last/}: epoch {@code e} always draws the
 * sampler's seeded stream {@code e}, and the batches of the current epoch before the saved
 * position are skipped (index lists only, no data), so the resumed run draws the same batches as
 * an uninterrupted one.
 */
public final class TrainingLoop {

    private static final Logger LOGGER = LoggerFactory.getLogger(TrainingLoop.class);
    private static final String LOOP_STATE = "loop.state";
    private static final int STATE_VERSION = 3;
    private static final long WARMUP_STEPS = 50;

    /** One optimisation step of a method. */
    @FunctionalInterface
    public interface BatchStep {

        /**
         * Runs forward, backward and the optimiser step(s) on one batch.
         *
         * @param batch the batch; arrays created for the step should live on its manager
         * @return the scalar training loss of the batch (on the batch's manager)
         */
        NDArray step(Batch batch);
    }

    /** Computes validation metrics of the model being trained. */
    @FunctionalInterface
    public interface Validator {

        /**
         * Evaluates the current model on a dataset.
         *
         * @param dataset the dataset
         * @return its group metrics
         */
        GroupMetrics validate(GroupedDataset dataset);
    }

    private final TrainingConfig config;
    private final String runName;

    /**
     * Creates a loop.
     *
     * @param config the shared training settings
     * @param runName a label for logs and the progress bar
     */
    public TrainingLoop(TrainingConfig config, String runName) {
        this.config = config;
        this.runName = runName;
    }

    /**
     * Runs the loop.
     *
     * @param train the training set
     * @param validation the validation set (non-empty)
     * @param sampler the seeded sampler over {@code train}; epoch {@code e} of the run draws {@code
     *     sampler.sample(train, e)}
     * @param step the method's step
     * @param validator evaluates the model that is selected and reported
     * @param parts every checkpointed part of the run
     * @param device the device batches are placed on (the models' device)
     * @return the result
     */
    public TrainingResult run(
            Device device,
            GroupedDataset train,
            GroupedDataset validation,
            EpochSampler sampler,
            BatchStep step,
            Validator validator,
            List<Checkpointable> parts) {
        if (validation == null || validation.size() == 0) {
            throw new IllegalArgumentException("the validation set is empty");
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        ModelSelection rule = config.modelSelection().resolve(validation.hasGroupLabels());
        long batchesPerEpoch = countBatches(train, sampler);
        long totalSteps = config.totalSteps(batchesPerEpoch);
        long evaluateEvery = config.evaluateEvery() > 0 ? config.evaluateEvery() : batchesPerEpoch;
        Optional<Path> dir = config.checkpointDir();

        LoopState state = new LoopState();
        if (config.resume() && dir.isPresent() && Files.isDirectory(dir.get().resolve("last"))) {
            state = restore(dir.get().resolve("last"), parts, train.countedGroupSpec());
            LOGGER.info("{}: resumed from step {}", runName, state.step);
        } else if (dir.isPresent()) {
            clearHistory(dir.get());
        }

        List<EvaluationRecord> history = new ArrayList<>();
        EvaluationRecord last = null;
        ProgressBar bar = config.progressBar() ? new ProgressBar(System.err, runName, totalSteps) : null;

        long epoch = state.step / batchesPerEpoch;
        Iterator<List<Long>> order = sampler.sample(train, epoch);
        for (long skip = state.step % batchesPerEpoch; skip > 0 && order.hasNext(); skip--) {
            order.next();
        }
        long warmup = Math.min(WARMUP_STEPS, totalSteps / 10);
        long measuredSteps = 0;
        long measuredNanos = 0;
        double lossSum = state.lossSum;
        long lossCount = state.lossCount;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            manager.setName("training-loop");
            while (state.step < totalSteps) {
                if (!order.hasNext()) {
                    epoch++;
                    order = sampler.sample(train, epoch);
                    continue;
                }
                long[] indices = toArray(order.next());
                long started = System.nanoTime();
                float loss;
                try (Batch batch = train.batch(manager, indices)) {
                    loss = step.step(batch).getFloat();
                } catch (NonFiniteLossException e) {
                    throw new TrainingDivergedException(state.step + 1, Float.NaN, state.lastCheckpointStep, e);
                }
                if (state.step >= warmup) {
                    measuredNanos += System.nanoTime() - started;
                    measuredSteps++;
                }
                state.step++;
                if (!Float.isFinite(loss)) {
                    throw new TrainingDivergedException(state.step, loss, state.lastCheckpointStep);
                }
                lossSum += loss;
                lossCount++;
                boolean endOfRun = state.step == totalSteps;
                if (state.step % evaluateEvery == 0 || endOfRun) {
                    GroupMetrics metrics = validator.validate(validation);
                    last = new EvaluationRecord(state.step, epoch, lossSum / Math.max(1, lossCount), metrics);
                    history.add(last);
                    lossSum = 0;
                    lossCount = 0;
                    boolean better = state.selected == null || rule.prefers(metrics, state.selected.validation());
                    LOGGER.info(
                            "{} step {}: loss {} worst-group {} unbiased {} average {}",
                            runName,
                            state.step,
                            String.format("%.4f", last.trainLoss()),
                            String.format("%.4f", metrics.worstGroupAccuracy()),
                            String.format("%.4f", metrics.unbiasedAccuracy()),
                            String.format("%.4f", metrics.averageAccuracy()));
                    if (better) {
                        state.selected = last;
                    }
                    if (dir.isPresent()) {
                        state.lossSum = lossSum;
                        state.lossCount = lossCount;
                        appendHistory(dir.get(), last);
                        if (better) {
                            save(dir.get().resolve("best"), parts, state);
                        }
                        save(dir.get().resolve("last"), parts, state);
                        state.lastCheckpointStep = state.step;
                    }
                }
                if (bar != null) {
                    bar.update(state.step, String.format("loss %.4f", loss));
                }
            }
        }
        if (last == null) {
            GroupMetrics metrics = validator.validate(validation);
            last = new EvaluationRecord(state.step, epoch, Double.NaN, metrics);
            history.add(last);
        }
        EvaluationRecord selected = state.selected != null ? state.selected : last;
        Optional<Path> best = dir.map(d -> d.resolve(rule == ModelSelection.LAST ? "last" : "best"));
        return new TrainingResult(history, rule, selected, last, best.filter(Files::isDirectory), state.step,
                new StepTiming(warmup, measuredSteps, measuredNanos));
    }

    private static long countBatches(GroupedDataset train, EpochSampler sampler) {
        int batchSize = Math.max(1, sampler.getBatchSize());
        long n = 0;
        Iterator<List<Long>> it = sampler.sample(train, 0);
        while (it.hasNext()) {
            it.next();
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException(
                    "the sampler yields no batch over " + train.size() + " samples at batch size " + batchSize);
        }
        return n;
    }

    private static long[] toArray(List<Long> list) {
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private void save(Path target, List<Checkpointable> parts, LoopState state) {
        try {
            AtomicFiles.writeDirectory(
                    target,
                    tmp -> {
                        for (Checkpointable part : parts) {
                            part.saveCheckpoint(tmp);
                        }
                        try (DataOutputStream out =
                                new DataOutputStream(
                                        new BufferedOutputStream(Files.newOutputStream(tmp.resolve(LOOP_STATE))))) {
                            state.write(out);
                        }
                        AtomicFiles.writeString(tmp.resolve("config.txt"), config + System.lineSeparator());
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    private LoopState restore(Path dir, List<Checkpointable> parts, GroupSpec spec) {
        try {
            for (Checkpointable part : parts) {
                part.loadCheckpoint(dir);
            }
            try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve(LOOP_STATE)))) {
                return LoopState.read(in, dir, spec);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void clearHistory(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(HistoryFiles.JSONL));
            Files.deleteIfExists(dir.resolve(HistoryFiles.CSV));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void appendHistory(Path dir, EvaluationRecord record) {
        try {
            HistoryFiles.append(dir, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the metrics history in " + dir, e);
        }
    }

    /** Position and selection state of the loop, saved with every checkpoint. */
    private static final class LoopState {
        long step;
        long lastCheckpointStep = -1;
        double lossSum;
        long lossCount;
        EvaluationRecord selected;

        void write(DataOutputStream out) throws IOException {
            out.writeInt(STATE_VERSION);
            out.writeLong(step);
            out.writeDouble(lossSum);
            out.writeLong(lossCount);
            out.writeBoolean(selected != null);
            if (selected != null) {
                out.writeLong(selected.step());
                out.writeLong(selected.epoch());
                out.writeDouble(selected.trainLoss());
                writeMetrics(out, selected.validation());
            }
        }

        static LoopState read(DataInputStream in, Path dir, GroupSpec spec) throws IOException {
            int version = in.readInt();
            if (version != STATE_VERSION) {
                throw new IOException("unsupported loop state version " + version + " in " + dir);
            }
            LoopState s = new LoopState();
            s.step = in.readLong();
            s.lossSum = in.readDouble();
            s.lossCount = in.readLong();
            s.lastCheckpointStep = s.step;
            if (in.readBoolean()) {
                long step = in.readLong();
                long epoch = in.readLong();
                double loss = in.readDouble();
                s.selected = new EvaluationRecord(step, epoch, loss, readMetrics(in, spec, dir));
            }
            return s;
        }

        private static void writeMetrics(DataOutputStream out, GroupMetrics m) throws IOException {
            int groups = m.groupSpec().numGroups();
            int classes = m.groupSpec().numClasses();
            out.writeInt(groups);
            out.writeInt(classes);
            for (int g = 0; g < groups; g++) {
                out.writeLong(m.groupCount(g));
                out.writeLong(m.groupCorrect(g));
            }
            for (int c = 0; c < classes; c++) {
                out.writeLong(m.classCount(c));
                out.writeLong(m.classCorrect(c));
            }
            out.writeLong(m.unknownGroupCount());
            out.writeLong(m.unknownGroupCorrect());
            out.writeDouble(m.meanLoss());
        }

        private static GroupMetrics readMetrics(DataInputStream in, GroupSpec spec, Path dir) throws IOException {
            int groups = in.readInt();
            int classes = in.readInt();
            if (groups != spec.numGroups() || classes != spec.numClasses()) {
                throw new IOException(
                        "loop state in " + dir + " has " + groups + " groups and " + classes
                                + " classes; the training set has " + spec.numGroups() + " and " + spec.numClasses());
            }
            long[] n = new long[groups];
            long[] correct = new long[groups];
            for (int g = 0; g < groups; g++) {
                n[g] = in.readLong();
                correct[g] = in.readLong();
            }
            long[] classN = new long[classes];
            long[] classCorrect = new long[classes];
            for (int c = 0; c < classes; c++) {
                classN[c] = in.readLong();
                classCorrect[c] = in.readLong();
            }
            long unknown = in.readLong();
            long unknownCorrect = in.readLong();
            double meanLoss = in.readDouble();
            GroupMetrics.Builder b =
                    GroupMetrics.builder(spec)
                            .setGroupCounts(n, correct)
                            .optUnknownGroup(unknown, unknownCorrect)
                            .optClassCounts(classN, classCorrect);
            if (!Double.isNaN(meanLoss)) {
                b.optMeanLoss(meanLoss);
            }
            return b.build();
        }
    }
}
