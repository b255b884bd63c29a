package dev.debias.train;

import ai.djl.Device;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedDataset;
import dev.debias.io.AtomicFiles;
import dev.debias.io.CheckpointDirectories;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A training run as an ordered list of named {@link Phase}s, executed one after the other by the
 * method's trainer with {@link #execute(Phase)}.
 *
 * <p>With a checkpoint directory, phase {@code p} checkpoints under {@code <dir>/<p>/best} and
 * {@code <dir>/<p>/last} (model parameters in DJL's format, optimiser and method state, loop
 * position, {@value Provenance#FILE}, and a manifest with every file's size and SHA-256), and
 * writes {@code <dir>/<p>/complete} when it ends: its final loop state and its completion state
 * (what later phases need). The validation history of all phases is {@code <dir>/history.jsonl}
 * and {@code <dir>/history.csv}, rebuilt from the checkpoints, so a record is never lost or
 * duplicated by a kill.
 *
 * <p>A resumed run ({@link TrainingConfig#resume()}) checks that its settings equal those saved
 * (naming every one that differs), restores completed phases from their completion records
 * without training them again, and continues the first unfinished phase at its saved step. It is
 * refused when there is nothing to resume, when a checkpoint is damaged, and when a phase is asked
 * for fewer steps than it has done. A run that does not resume refuses a directory that already
 * holds checkpoints.
 *
 * <p>With a {@link StopRequest} (from the main settings), a phase stops at the first step boundary
 * after the request: it writes its {@code last} checkpoint at that step and throws a {@link
 * TrainingStoppedException}; later phases do not run.
 */
public final class PhasedRun {

    private static final Logger LOGGER = LoggerFactory.getLogger(PhasedRun.class);
    static final String COMPLETE = "complete";

    private final String name;
    private final Device device;
    private final GroupedDataset train;
    private final GroupedDataset validation;
    private final Path dir;
    private final boolean resume;
    private final boolean progressBar;
    private final StopRequest stopRequest;
    private final Provenance provenance;
    private final GroupSpec spec;
    private final List<EvaluationRecord> history = new ArrayList<>();
    private final Set<String> executed = new HashSet<>();
    private final Map<String, TrainingResult> results = new HashMap<>();

    private PhasedRun(Builder b) {
        this.name = b.name;
        this.device = b.device;
        this.train = b.train;
        this.validation = b.validation;
        this.dir = b.dir;
        this.resume = b.resume;
        this.progressBar = b.progressBar;
        this.stopRequest = b.stopRequest;
        this.provenance = b.provenance;
        this.spec = train.countedGroupSpec();
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns whether a directory holds checkpoints of a run (so that it can be resumed).
     *
     * @param checkpointDir the run's checkpoint directory
     * @return true if any phase has a checkpoint or completion record there
     */
    public static boolean hasCheckpoints(Path checkpointDir) {
        if (!Files.isDirectory(checkpointDir)) {
            return false;
        }
        try (Stream<Path> phases = Files.list(checkpointDir)) {
            return phases.filter(Files::isDirectory)
                    .anyMatch(p -> Stream.of("last", "best", COMPLETE, ".last.new", ".last.old", "." + COMPLETE + ".new",
                                    "." + COMPLETE + ".old")
                            .anyMatch(c -> Files.isDirectory(p.resolve(c))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + checkpointDir, e);
        }
    }

    /**
     * Runs a phase, or restores it from its completion record when a resumed run has finished it
     * already (then its completion state is loaded and its saved result returned).
     *
     * @param phase the phase; names must be unique within the run
     * @return the phase's result
     * @throws IllegalArgumentException if a phase of that name ran already
     * @throws IllegalStateException if the checkpoints cannot be resumed (naming why)
     * @throws TrainingDivergedException if the loss or the state becomes non-finite
     */
    public TrainingResult execute(Phase phase) {
        if (!executed.add(phase.name())) {
            throw new IllegalArgumentException("the run already has a phase named " + phase.name());
        }
        Optional<Path> phaseDir = Optional.ofNullable(dir).map(d -> d.resolve(phase.name()));
        GroupedDataset data = phase.trainingData().orElse(train);
        if (data.size() != train.size()) {
            throw new IllegalArgumentException(
                    "phase " + phase.name() + " trains on " + data.size() + " samples, the run's training set has " + train.size());
        }
        PhaseLoop loop = new PhaseLoop(phase, name, device, data, validation, progressBar, stopRequest);
        long total = loop.totalSteps();
        PhaseState state = null;
        if (phaseDir.isPresent() && resume) {
            Path complete = phaseDir.get().resolve(COMPLETE);
            Path last = phaseDir.get().resolve("last");
            if (Files.isDirectory(complete)) {
                PhaseState done = readChecked(complete, List.of(), total);
                if (done.step == total) {
                    load(complete, phase.completionState());
                    LOGGER.info("{}: phase {} was completed ({} steps); restored from its completion record",
                            name, phase.name(), done.step);
                    history.addAll(done.history);
                    TrainingResult restored = loop.restoredResult(done, phaseDir);
                    results.put(phase.name(), restored);
                    return restored;
                }
            }
            if (Files.isDirectory(last)) {
                state = readChecked(last, phase.parts(), total);
                LOGGER.info("{}: phase {} resumed from step {}", name, phase.name(), state.step);
            }
        }
        if (state == null) {
            state = new PhaseState();
        }
        PhaseLoop.Checkpointer checkpointer = phaseDir.isPresent() ? new DirectoryCheckpointer(phaseDir.get(), phase) : null;
        TrainingResult result = loop.run(state, checkpointer);
        phase.finisher().finish();
        if (phaseDir.isPresent()) {
            write(phaseDir.get().resolve(COMPLETE), phase.completionState(), state);
        }
        history.addAll(state.history);
        writeHistory(List.of());
        results.put(phase.name(), result);
        return result;
    }

    /**
     * Returns every validation of the run so far, of all phases, in order (after a resume:
     * those before it too).
     *
     * @return the history
     */
    public List<EvaluationRecord> history() {
        return List.copyOf(history);
    }

    /**
     * Returns the result of a phase that has run (or was restored) in this run.
     *
     * @param phase the phase's name
     * @return its result, or empty if no phase of that name has completed
     */
    public Optional<TrainingResult> result(String phase) {
        return Optional.ofNullable(results.get(phase));
    }

    /**
     * Returns the timing of every phase that has run or was restored in this run, added up.
     *
     * @return the summed timing ({@link StepTiming#NONE} before the first phase)
     */
    public StepTiming timing() {
        return results.values().stream().map(TrainingResult::timing).reduce(StepTiming.NONE, StepTiming::plus);
    }

    private PhaseState readChecked(Path checkpoint, List<Checkpointable> parts, long total) {
        try {
            CheckpointDirectories.verify(checkpoint);
            List<String> differences = provenance.differencesFrom(Provenance.read(checkpoint));
            if (!differences.isEmpty()) {
                throw new IllegalStateException(
                        "cannot resume from " + checkpoint + ": the settings differ from the run's: "
                                + String.join("; ", differences));
            }
            PhaseState state = PhaseState.read(checkpoint, spec);
            if (state.step > total) {
                throw new IllegalStateException(
                        "cannot resume from " + checkpoint + ": the phase has done " + state.step
                                + " steps, more than the " + total + " asked for");
            }
            load(checkpoint, parts);
            return state;
        } catch (IOException e) {
            throw new IllegalStateException("cannot resume: " + e.getMessage(), e);
        }
    }

    private static void load(Path checkpoint, List<Checkpointable> parts) {
        for (Checkpointable part : parts) {
            try {
                part.loadCheckpoint(checkpoint);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot restore " + part.checkpointName() + " from " + checkpoint + ": " + e.getMessage(), e);
            }
        }
    }

    private void write(Path target, List<Checkpointable> parts, PhaseState state) {
        try {
            CheckpointDirectories.write(
                    target,
                    tmp -> {
                        for (Checkpointable part : parts) {
                            part.saveCheckpoint(tmp);
                        }
                        state.write(tmp);
                        provenance.write(tmp);
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    private void writeHistory(List<EvaluationRecord> current) {
        if (dir == null) {
            return;
        }
        List<EvaluationRecord> all = new ArrayList<>(history);
        all.addAll(current);
        try {
            HistoryFiles.write(dir, all);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics history in " + dir, e);
        }
    }

    /** Writes a phase's best/last checkpoints, then the run's history. */
    private final class DirectoryCheckpointer implements PhaseLoop.Checkpointer {

        private final Path phaseDir;
        private final Phase phase;

        DirectoryCheckpointer(Path phaseDir, Phase phase) {
            this.phaseDir = phaseDir;
            this.phase = phase;
        }

        @Override
        public void save(PhaseState state, boolean best) {
            if (best) {
                write(phaseDir.resolve("best"), phase.parts(), state);
            }
            write(phaseDir.resolve("last"), phase.parts(), state);
            writeHistory(state.history);
        }

        @Override
        public Optional<Path> selectedCheckpoint(ModelSelection rule) {
            Path selected = phaseDir.resolve(rule == ModelSelection.LAST ? "last" : "best");
            return Files.isDirectory(selected) ? Optional.of(selected) : Optional.empty();
        }
    }

    /** Builds a {@link PhasedRun}. */
    public static final class Builder {

        private String name = "run";
        private Device device;
        private GroupedDataset train;
        private GroupedDataset validation;
        private Path dir;
        private boolean resume;
        private boolean progressBar;
        private StopRequest stopRequest;
        private Provenance provenance = new Provenance(new com.google.gson.JsonObject());

        Builder() {}

        /**
         * Sets the label of logs and the progress bar (default {@code run}).
         *
         * @param value the label
         * @return this builder
         */
        public Builder optName(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /**
         * Sets the device batches are placed on (the models' device).
         *
         * @param value the device
         * @return this builder
         */
        public Builder setDevice(Device value) {
            this.device = Objects.requireNonNull(value, "device");
            return this;
        }

        /**
         * Sets the training and validation sets.
         *
         * @param training the training set (non-empty)
         * @param validationSet the validation set (non-empty)
         * @return this builder
         */
        public Builder setData(GroupedDataset training, GroupedDataset validationSet) {
            this.train = Objects.requireNonNull(training, "training set");
            this.validation = validationSet;
            return this;
        }

        /**
         * Takes the checkpoint directory, the resume flag, the progress bar and the stop request
         * from the run's main training settings.
         *
         * @param config the settings
         * @return this builder
         */
        public Builder optCheckpoints(TrainingConfig config) {
            this.dir = config.checkpointDir().orElse(null);
            this.resume = config.resume();
            this.progressBar = config.progressBar();
            this.stopRequest = config.stopRequest().orElse(null);
            return this;
        }

        /**
         * Sets the run's settings, saved in every checkpoint and compared on resume.
         *
         * @param value the settings
         * @return this builder
         */
        public Builder optProvenance(Provenance value) {
            this.provenance = Objects.requireNonNull(value, "provenance");
            return this;
        }

        /**
         * Builds the run: checks the data, repairs checkpoint folders left by a kill, and refuses
         * a resume with nothing to resume and a fresh run over existing checkpoints.
         *
         * @return the run
         * @throws IllegalArgumentException if a dataset is empty
         * @throws IllegalStateException if the checkpoint directory does not fit the resume flag
         */
        public PhasedRun build() {
            Objects.requireNonNull(device, "device");
            if (train == null) {
                throw new IllegalStateException("a run needs its data");
            }
            if (validation == null || validation.size() == 0) {
                throw new IllegalArgumentException("the validation set is empty");
            }
            if (train.size() == 0) {
                throw new IllegalArgumentException("the training set is empty");
            }
            if (dir != null) {
                repair(dir);
                boolean existing = hasCheckpoints(dir);
                if (resume && !existing) {
                    throw new IllegalStateException(
                            "nothing to resume in " + dir + ": it holds no checkpoint (start the run without resume)");
                }
                if (!resume && existing) {
                    throw new IllegalStateException(
                            dir + " already holds the checkpoints of a run: resume it, or choose or empty another folder");
                }
            }
            return new PhasedRun(this);
        }

        private static void repair(Path dir) {
            if (!Files.isDirectory(dir)) {
                return;
            }
            try (Stream<Path> phases = Files.list(dir)) {
                for (Path phase : (Iterable<Path>) phases.filter(Files::isDirectory)::iterator) {
                    for (String c : List.of("best", "last", COMPLETE)) {
                        CheckpointDirectories.recover(phase.resolve(c));
                    }
                }
                // Files of the history written by an interrupted atomic write.
                try (Stream<Path> leftovers = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) leftovers::iterator) {
                        String file = p.getFileName().toString();
                        if (file.startsWith(".history.") && file.endsWith(".tmp")) {
                            AtomicFiles.deleteRecursively(p);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot repair the checkpoints in " + dir, e);
            }
        }
    }
}
