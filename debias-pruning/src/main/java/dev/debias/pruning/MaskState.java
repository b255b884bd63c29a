package dev.debias.pruning;

/**
 * How a {@link MaskedNetwork} applies its masks, one per DCWP phase (ALGORITHMS.md §10.3–10.6).
 */
public enum MaskState {
    /** No mask: the dense network (pre-training). Weights trainable, scores frozen. */
    OFF,
    /**
     * A freshly sampled straight-through mask in every training-mode forward, the fixed mask {@code
     * π ≥ 0} in inference (learning the masks). Scores trainable, weights frozen.
     */
    SAMPLED,
    /** The fixed mask {@code π ≥ 0} in every forward (fine-tuning). Weights trainable, scores frozen. */
    FIXED
}
