package dev.debias.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.loss.NonFiniteLossException;
import dev.debias.metrics.GroupMetrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The step loop of one {@link Phase}: draws batches from the phase's sampler (epoch {@code e} is
 * always the sampler's seeded stream {@code e}; after a resume the batches of the current epoch
 * before the saved position are skipped as index lists), hands each to the step inside the
 * batch's own native memory scope with its {@link StepContext}, stops with a {@link
 * TrainingDivergedException} when the loss or, checked before each validation, the state stops
 * being finite (so no checkpoint is ever written from it), validates every
 * {@link TrainingConfig#evaluateEvery()} steps (or once per epoch) and at the end, keeps the
 * evaluation the {@link ModelSelection} rule prefers, has the run write checkpoints, and ends at
 * a step boundary when its {@link StopRequest} is made.
 */
final class PhaseLoop {

    private static final Logger LOGGER = LoggerFactory.getLogger(PhaseLoop.class);
    private static final long WARMUP_STEPS = 50;

    /** The steps whose mean loss sets the level a diverging loss is measured against. */
    static final long LEVEL_STEPS = 10;

    /** How many times its first steps' level a loss may reach before the run counts as diverged. */
    static final double DIVERGENCE_FACTOR = 1e4;

    /** Where a phase's checkpoints go. */
    interface Checkpointer {

        /**
         * Saves the phase's parts and loop state into {@code last/}, and into {@code best/} too.
         *
         * @param state the loop state
         * @param best whether the latest evaluation is the selected one
         */
        void save(PhaseState state, boolean best);

        /**
         * Returns the checkpoint of the selected model.
         *
         * @param rule the selection rule
         * @return its directory, if written
         */
        Optional<Path> selectedCheckpoint(ModelSelection rule);
    }

    private final Phase phase;
    private final String label;
    private final Device device;
    private final GroupedDataset train;
    private final GroupedDataset validation;
    private final boolean progressBar;
    private final long batchesPerEpoch;
    private final ModelSelection rule;
    private final StopRequest stopRequest;

    PhaseLoop(
            Phase phase,
            String runName,
            Device device,
            GroupedDataset train,
            GroupedDataset validation,
            boolean progressBar,
            StopRequest stopRequest) {
        this.phase = phase;
        this.label = runName + "/" + phase.name();
        this.device = device;
        this.train = train;
        this.validation = validation;
        this.progressBar = progressBar;
        this.batchesPerEpoch = countBatches();
        this.rule = phase.training().modelSelection().resolve(validation.hasGroupLabels());
        this.stopRequest = stopRequest;
    }

    long totalSteps() {
        return phase.training().totalSteps(batchesPerEpoch);
    }

    TrainingResult run(PhaseState state, Checkpointer checkpointer) {
        TrainingConfig config = phase.training();
        long total = totalSteps();
        long evaluateEvery = config.evaluateEvery() > 0 ? config.evaluateEvery() : batchesPerEpoch;
        long epoch = state.step / batchesPerEpoch;
        Iterator<List<Long>> order = phase.sampler().sample(train, epoch);
        for (long skip = state.step % batchesPerEpoch; skip > 0 && order.hasNext(); skip--) {
            order.next();
        }
        state.warmupSteps = Math.min(WARMUP_STEPS, total / 10);
        ProgressBar bar = progressBar && state.step < total ? new ProgressBar(System.err, label, total) : null;
        LoopClock clock = new LoopClock(state);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            manager.setName("training-loop");
            while (state.step < total) {
                if (stopRequest != null && stopRequest.isRequested()) {
                    stop(state, checkpointer, clock);
                }
                if (!order.hasNext()) {
                    epoch++;
                    order = phase.sampler().sample(train, epoch);
                    continue;
                }
                StepContext context = new StepContext(phase.name(), state.step + 1, epoch, total);
                long[] indices = toArray(order.next());
                long started = System.nanoTime();
                Map<String, Double> values = new LinkedHashMap<>();
                try (Batch batch = train.batch(manager, indices)) {
                    StepResult result = phase.step().step(batch, context);
                    for (Map.Entry<String, NDArray> term : result.terms().entrySet()) {
                        values.put(term.getKey(), (double) term.getValue().getFloat());
                    }
                    values.putAll(result.values());
                } catch (NonFiniteLossException e) {
                    throw new TrainingDivergedException(context.step(), Float.NaN, state.lastCheckpointStep, e);
                }
                if (state.step >= state.warmupSteps) {
                    state.measuredNanos += System.nanoTime() - started;
                    state.measuredSteps++;
                }
                state.step++;
                double loss = values.get(StepResult.LOSS);
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException(state.step, (float) loss, state.lastCheckpointStep);
                }
                checkLevel(state, loss);
                values.forEach((k, v) -> state.termSums.merge(k, v, Double::sum));
                state.termCount++;
                if (state.step % evaluateEvery == 0 || state.step == total) {
                    evaluate(state, epoch, checkpointer, clock);
                }
                if (bar != null) {
                    bar.update(state.step, String.format("loss %.4f", loss));
                }
            }
        }
        clock.update();
        return result(state, checkpointer);
    }

    /**
     * Ends the loop at a step boundary on the stop request: writes the {@code last} checkpoint at
     * the step reached, unless it is there already or the phase has not started, and throws.
     */
    private void stop(PhaseState state, Checkpointer checkpointer, LoopClock clock) {
        if (checkpointer != null && state.step > 0 && state.step != state.lastCheckpointStep) {
            long checkpointStarted = System.nanoTime();
            clock.update();
            checkpointer.save(state, false);
            state.checkpointNanos += System.nanoTime() - checkpointStarted;
            state.lastCheckpointStep = state.step;
            LOGGER.info("{}: stopped after step {}, checkpoint written", label, state.step);
        }
        long checkpointStep = checkpointer != null && state.step > 0 ? state.lastCheckpointStep : -1;
        throw new TrainingStoppedException(
                phase.name(), state.step, checkpointStep, stopRequest.reason().orElse("stop requested"));
    }

    /**
     * Stops a run whose loss explodes while staying finite: more than {@link #DIVERGENCE_FACTOR}
     * times the mean loss of its first {@link #LEVEL_STEPS} steps (at least 1e-3).
     */
    private static void checkLevel(PhaseState state, double loss) {
        if (Double.isNaN(state.lossLevel)) {
            state.levelSum += loss;
            if (state.step == LEVEL_STEPS) {
                state.lossLevel = state.levelSum / LEVEL_STEPS;
            }
            return;
        }
        double bound = DIVERGENCE_FACTOR * Math.max(state.lossLevel, 1e-3);
        if (Math.abs(loss) > bound) {
            throw TrainingDivergedException.exploded(state.step, loss, state.lossLevel, state.lastCheckpointStep);
        }
    }

    private void evaluate(PhaseState state, long epoch, Checkpointer checkpointer, LoopClock clock) {
        for (Checkpointable part : phase.parts()) {
            String bad = part.nonFiniteState();
            if (bad != null) {
                throw TrainingDivergedException.nonFiniteState(state.step, bad, state.lastCheckpointStep);
            }
        }
        long validationStarted = System.nanoTime();
        GroupMetrics metrics =
                phase.validator().isPresent()
                        ? phase.validator().get().validate(validation)
                        : noValidation();
        state.validationNanos += System.nanoTime() - validationStarted;
        Map<String, Double> means = new LinkedHashMap<>();
        state.termSums.forEach((k, v) -> means.put(k, v / Math.max(1, state.termCount)));
        EvaluationRecord record =
                new EvaluationRecord(
                        phase.name(), state.step, epoch, means.getOrDefault(StepResult.LOSS, Double.NaN), means, metrics);
        state.history.add(record);
        state.termSums.clear();
        state.termCount = 0;
        boolean better = state.selected == null || rule.prefers(metrics, state.selected.validation());
        if (better) {
            state.selected = record;
        }
        LOGGER.info(
                "{} step {}: loss {} worst-group {} unbiased {} average {}",
                label,
                state.step,
                String.format("%.4f", record.trainLoss()),
                String.format("%.4f", metrics.worstGroupAccuracy()),
                String.format("%.4f", metrics.unbiasedAccuracy()),
                String.format("%.4f", metrics.averageAccuracy()));
        if (checkpointer != null) {
            long checkpointStarted = System.nanoTime();
            clock.update();
            checkpointer.save(state, better);
            state.checkpointNanos += System.nanoTime() - checkpointStarted;
            state.lastCheckpointStep = state.step;
        }
    }

    /**
     * Adds the loop's wall-clock time since it started in this process to the time the state had
     * when it was loaded, so that a checkpoint carries the loop's time up to it.
     */
    private static final class LoopClock {

        private final PhaseState state;
        private final long startedNanos = System.nanoTime();
        private final long earlierNanos;

        LoopClock(PhaseState state) {
            this.state = state;
            this.earlierNanos = state.loopNanos;
        }

        void update() {
            state.loopNanos = earlierNanos + System.nanoTime() - startedNanos;
        }
    }

    /** The metrics of a phase without a validator: no sample, every accuracy undefined. */
    private GroupMetrics noValidation() {
        int groups = train.groupSpec().numGroups();
        return GroupMetrics.builder(train.countedGroupSpec()).setGroupCounts(new long[groups], new long[groups]).build();
    }

    TrainingResult restoredResult(PhaseState state, Optional<Path> phaseDir) {
        Optional<Path> selected =
                phaseDir.map(d -> d.resolve(rule == ModelSelection.LAST ? "last" : "best"))
                        .filter(java.nio.file.Files::isDirectory);
        return toResult(state, selected);
    }

    private TrainingResult result(PhaseState state, Checkpointer checkpointer) {
        return toResult(state, checkpointer == null ? Optional.empty() : checkpointer.selectedCheckpoint(rule));
    }

    private TrainingResult toResult(PhaseState state, Optional<Path> selectedCheckpoint) {
        EvaluationRecord last = state.history.get(state.history.size() - 1);
        EvaluationRecord selected = state.selected != null ? state.selected : last;
        return new TrainingResult(state.history, rule, selected, last, selectedCheckpoint, state.step, state.timing());
    }

    private long countBatches() {
        long n = 0;
        Iterator<List<Long>> it = phase.sampler().sample(train, 0);
        while (it.hasNext()) {
            it.next();
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException(
                    "the sampler of phase " + phase.name() + " yields no batch over " + train.size() + " samples at batch size "
                            + phase.sampler().getBatchSize());
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
}
