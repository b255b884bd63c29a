package dev.debias.train;

import dev.debias.metrics.GroupMetrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One validation of a training run: the phase and step after which it ran, the epoch, the mean
 * training loss and the mean of every named loss term since the previous validation, and the
 * per-group validation metrics.
 *
 * @param phase the name of the phase (e.g. {@code train}, or JTT's {@code identification} and
 *     {@code final})
 * @param step the number of completed optimisation steps of the phase
 * @param epoch the 0-based epoch the step belongs to
 * @param trainLoss mean training loss since the previous record
 * @param terms the mean of each named loss term since the previous record, the loss first
 * @param validation the validation metrics
 */
public record EvaluationRecord(
        String phase, long step, long epoch, double trainLoss, Map<String, Double> terms, GroupMetrics validation) {

    /** The phase name of single-phase runs. */
    public static final String DEFAULT_PHASE = "train";

    /**
     * Checks and copies the values.
     *
     * @param phase the phase
     * @param step the step
     * @param epoch the epoch
     * @param trainLoss the mean loss
     * @param terms the mean terms
     * @param validation the metrics
     */
    public EvaluationRecord {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(validation, "validation");
        terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /**
     * Creates a record of the default phase with the loss as its only term.
     *
     * @param step the number of completed optimisation steps
     * @param epoch the 0-based epoch the step belongs to
     * @param trainLoss mean training loss since the previous record
     * @param validation the validation metrics
     */
    public EvaluationRecord(long step, long epoch, double trainLoss, GroupMetrics validation) {
        this(DEFAULT_PHASE, step, epoch, trainLoss, Map.of(StepResult.LOSS, trainLoss), validation);
    }
}
