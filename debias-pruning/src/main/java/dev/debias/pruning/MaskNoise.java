package dev.debias.pruning;

/**
 * Where DCWP's sampled mask adds its logistic noise (Park et al., CVPR 2023; ALGORITHMS.md §10.2).
 * With {@code ν = −log(log(u₁ + 1e-10) / log(u₀ + 1e-10) + 1e-10)}, {@code u₀, u₁ ~ U(0, 1)}, the
 * difference of two Gumbel variables, and temperature {@code τ}:
 *
 * <ul>
 *   <li>{@link #ON_PROBABILITY} (default, the official code): {@code soft = σ((σ(π) + ν) / τ)}, so
 *       the keep probability while sampling is {@code σ(σ(π)) ∈ (0.5, 0.731)};
 *   <li>{@link #ON_LOGIT} (the textbook Gumbel-sigmoid): {@code soft = σ((π + ν) / τ)}, whose keep
 *       probability is {@code σ(π)}, consistent with the fixed mask {@code π ≥ 0}.
 * </ul>
 *
 * <p>Either way the forward pass uses {@code hard = [soft > 0.5]} and the backward pass the
 * gradient of {@code soft} (straight-through).
 */
public enum MaskNoise {
    /** Noise added to the keep probability {@code σ(π)}, as the reference does. */
    ON_PROBABILITY,
    /** Noise added to the score {@code π} itself (Gumbel-sigmoid). */
    ON_LOGIT
}
