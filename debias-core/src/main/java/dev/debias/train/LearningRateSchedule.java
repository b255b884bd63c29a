package dev.debias.train;

import com.google.gson.JsonObject;

/**
 * How an optimiser's learning rate changes over its updates: a factor applied to the base rate,
 * as a function of the number of updates the optimiser has completed before the current one
 * ({@code k = t - 1} for the 1-based update {@code t}, which equals the number of times a
 * PyTorch scheduler has been stepped after each optimiser step).
 *
 * <p>The schedules of the papers Debias implements:
 *
 * <ul>
 *   <li>{@link #constant()};
 *   <li>{@link #stepDecay(long, float)}: PyTorch's {@code StepLR}, {@code gamma^floor(k /
 *       stepSize)} (LfF, DCWP's phases);
 *   <li>{@link #linearDecay(long, long)}: constant until a given update, then linearly to zero
 *       (CycleGAN, Zhu et al., ICCV 2017);
 *   <li>{@link #startingAt(long)}: any schedule that only starts counting at an offset (DisEnt,
 *       Lee et al., NeurIPS 2021, steps its {@code StepLR} only from {@code curr_step} on:
 *       {@code gamma^floor(max(0, k - curr_step) / stepSize)}).
 * </ul>
 *
 * <p>A schedule is a pure function of the update count; the count itself is saved with the
 * optimiser's state, so a resumed run continues the schedule where it stopped.
 */
public abstract class LearningRateSchedule {

    LearningRateSchedule() {}

    /**
     * Returns the factor of the base learning rate for the next update.
     *
     * @param completedUpdates the number of updates done before this one, {@code >= 0}
     * @return the factor, in {@code [0, 1]} for the schedules of this class
     */
    public abstract double factor(long completedUpdates);

    /**
     * Describes the schedule as data (for run manifests and resume checks).
     *
     * @return a JSON object with a {@code type} and the schedule's parameters
     */
    public abstract JsonObject describe();

    /**
     * Returns a schedule that behaves as this one but starts counting after {@code offset}
     * updates: its factor at {@code k} is this schedule's factor at {@code max(0, k - offset)}.
     *
     * @param offset the number of updates before the schedule starts, {@code >= 0}
     * @return the offset schedule
     */
    public LearningRateSchedule startingAt(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("a schedule's offset must be >= 0, got " + offset);
        }
        LearningRateSchedule inner = this;
        return new LearningRateSchedule() {
            @Override
            public double factor(long completedUpdates) {
                return inner.factor(Math.max(0, completedUpdates - offset));
            }

            @Override
            public JsonObject describe() {
                JsonObject json = new JsonObject();
                json.addProperty("type", "offset");
                json.addProperty("offset", offset);
                json.add("schedule", inner.describe());
                return json;
            }
        };
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return describe().toString();
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof LearningRateSchedule other && describe().equals(other.describe());
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return describe().hashCode();
    }

    /**
     * Returns the constant schedule (factor 1).
     *
     * @return the schedule
     */
    public static LearningRateSchedule constant() {
        return new LearningRateSchedule() {
            @Override
            public double factor(long completedUpdates) {
                return 1;
            }

            @Override
            public JsonObject describe() {
                JsonObject json = new JsonObject();
                json.addProperty("type", "constant");
                return json;
            }
        };
    }

    /**
     * Returns PyTorch's {@code StepLR}: the rate is multiplied by {@code gamma} every {@code
     * stepSize} updates, {@code gamma^floor(k / stepSize)}.
     *
     * @param stepSize updates between decays, {@code >= 1}
     * @param gamma the decay factor, {@code > 0}
     * @return the schedule
     */
    public static LearningRateSchedule stepDecay(long stepSize, float gamma) {
        if (stepSize < 1 || !(gamma > 0) || Float.isInfinite(gamma)) {
            throw new IllegalArgumentException(
                    "a step decay needs stepSize >= 1 and a finite gamma > 0, got " + stepSize + " and " + gamma);
        }
        return new LearningRateSchedule() {
            @Override
            public double factor(long completedUpdates) {
                return Math.pow(gamma, Math.floorDiv(completedUpdates, stepSize));
            }

            @Override
            public JsonObject describe() {
                JsonObject json = new JsonObject();
                json.addProperty("type", "step");
                json.addProperty("stepSize", stepSize);
                json.addProperty("gamma", gamma);
                return json;
            }
        };
    }

    /**
     * Returns a rate that stays at the base value for the first {@code decayStart} updates and
     * then falls linearly to zero, reached after {@code total} updates: factor {@code 1 - (k -
     * decayStart) / (total - decayStart)} for {@code k >= decayStart}, and 0 from {@code total}
     * on (CycleGAN's schedule).
     *
     * @param decayStart the number of updates at the base rate, {@code >= 0}
     * @param total the update count at which the rate reaches zero, {@code > decayStart}
     * @return the schedule
     */
    public static LearningRateSchedule linearDecay(long decayStart, long total) {
        if (decayStart < 0 || total <= decayStart) {
            throw new IllegalArgumentException(
                    "a linear decay needs 0 <= decayStart < total, got " + decayStart + " and " + total);
        }
        return new LearningRateSchedule() {
            @Override
            public double factor(long completedUpdates) {
                if (completedUpdates < decayStart) {
                    return 1;
                }
                return Math.max(0, 1 - (double) (completedUpdates - decayStart) / (total - decayStart));
            }

            @Override
            public JsonObject describe() {
                JsonObject json = new JsonObject();
                json.addProperty("type", "linear");
                json.addProperty("decayStart", decayStart);
                json.addProperty("total", total);
                return json;
            }
        };
    }
}
