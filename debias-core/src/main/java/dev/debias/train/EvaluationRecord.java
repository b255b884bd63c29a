package dev.debias.train;

import dev.debias.metrics.GroupMetrics;

/**
 * One validation of a training run: the step and epoch after which it ran, the mean training loss
 * since the previous validation, and the per-group validation metrics.
 *
 * @param step the number of completed optimisation steps
 * @param epoch the 0-based epoch the step belongs to
 * @param trainLoss mean training loss since the previous record
 * @param validation the validation metrics
 */
public record EvaluationRecord(long step, long epoch, double trainLoss, GroupMetrics validation) {}
