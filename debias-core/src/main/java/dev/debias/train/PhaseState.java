package dev.debias.train;

import dev.debias.data.GroupSpec;
import dev.debias.metrics.GroupMetrics;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The position of one phase's loop, saved as {@value #FILE} with every checkpoint and in the
 * phase's completion record: the steps done, the running sums of the loss terms since the last
 * validation, the selected evaluation, the phase's validation history and the step timing.
 */
final class PhaseState {

    static final String FILE = "loop.state";
    private static final int VERSION = 6;
    /** The version before the loop, validation and checkpoint times were saved (read as zero). */
    private static final int VERSION_WITHOUT_LOOP_TIMES = 5;

    long step;
    long lastCheckpointStep = -1;
    final Map<String, Double> termSums = new LinkedHashMap<>();
    long termCount;
    EvaluationRecord selected;
    final List<EvaluationRecord> history = new ArrayList<>();
    /** The mean loss of the first {@link PhaseLoop#LEVEL_STEPS} steps, NaN before. */
    double lossLevel = Double.NaN;
    double levelSum;
    long warmupSteps;
    long measuredSteps;
    long measuredNanos;
    long loopNanos;
    long validationNanos;
    long checkpointNanos;

    StepTiming timing() {
        return new StepTiming(warmupSteps, measuredSteps, measuredNanos, loopNanos, validationNanos, checkpointNanos);
    }

    void write(Path dir) throws IOException {
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(FILE))))) {
            out.writeInt(VERSION);
            out.writeLong(step);
            out.writeInt(termSums.size());
            for (Map.Entry<String, Double> e : termSums.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
            out.writeLong(termCount);
            out.writeBoolean(selected != null);
            if (selected != null) {
                writeRecord(out, selected);
            }
            out.writeInt(history.size());
            for (EvaluationRecord r : history) {
                writeRecord(out, r);
            }
            out.writeDouble(lossLevel);
            out.writeDouble(levelSum);
            out.writeLong(warmupSteps);
            out.writeLong(measuredSteps);
            out.writeLong(measuredNanos);
            out.writeLong(loopNanos);
            out.writeLong(validationNanos);
            out.writeLong(checkpointNanos);
        }
    }

    static PhaseState read(Path dir, GroupSpec spec) throws IOException {
        Path file = dir.resolve(FILE);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int version = in.readInt();
            if (version != VERSION && version != VERSION_WITHOUT_LOOP_TIMES) {
                throw new IOException(file + " has loop-state version " + version + ", this Debias reads "
                        + VERSION_WITHOUT_LOOP_TIMES + " and " + VERSION);
            }
            PhaseState s = new PhaseState();
            s.step = in.readLong();
            s.lastCheckpointStep = s.step;
            for (int n = in.readInt(), i = 0; i < n; i++) {
                s.termSums.put(in.readUTF(), in.readDouble());
            }
            s.termCount = in.readLong();
            if (in.readBoolean()) {
                s.selected = readRecord(in, spec, file);
            }
            for (int n = in.readInt(), i = 0; i < n; i++) {
                s.history.add(readRecord(in, spec, file));
            }
            s.lossLevel = in.readDouble();
            s.levelSum = in.readDouble();
            s.warmupSteps = in.readLong();
            s.measuredSteps = in.readLong();
            s.measuredNanos = in.readLong();
            if (version == VERSION) {
                s.loopNanos = in.readLong();
                s.validationNanos = in.readLong();
                s.checkpointNanos = in.readLong();
            }
            if (in.read() != -1) {
                throw new IOException(file + " has data after the loop state");
            }
            return s;
        } catch (EOFException e) {
            throw new IOException(file + " ends before the loop state is complete", e);
        }
    }

    private static void writeRecord(DataOutputStream out, EvaluationRecord r) throws IOException {
        out.writeUTF(r.phase());
        out.writeLong(r.step());
        out.writeLong(r.epoch());
        out.writeDouble(r.trainLoss());
        out.writeInt(r.terms().size());
        for (Map.Entry<String, Double> e : r.terms().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
        GroupMetrics m = r.validation();
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

    private static EvaluationRecord readRecord(DataInputStream in, GroupSpec spec, Path file) throws IOException {
        String phase = in.readUTF();
        long step = in.readLong();
        long epoch = in.readLong();
        double loss = in.readDouble();
        Map<String, Double> terms = new LinkedHashMap<>();
        for (int n = in.readInt(), i = 0; i < n; i++) {
            terms.put(in.readUTF(), in.readDouble());
        }
        int groups = in.readInt();
        int classes = in.readInt();
        if (groups != spec.numGroups() || classes != spec.numClasses()) {
            throw new IOException(
                    file + " holds metrics of " + groups + " groups and " + classes + " classes; the training set has "
                            + spec.numGroups() + " and " + spec.numClasses());
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
        return new EvaluationRecord(phase, step, epoch, loss, terms, b.build());
    }
}
