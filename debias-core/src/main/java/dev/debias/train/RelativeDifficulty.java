package dev.debias.train;

import ai.djl.ndarray.NDArray;

/**
 * The relative difficulty score of Learning from Failure (Nam et al., NeurIPS 2020):
 * \(W(x) = \ell_B(x) / (\ell_B(x) + \ell_D(x) + 10^{-8})\), where \(\ell_B\) and \(\ell_D\) are the
 * class-normalised loss averages of the biased and the debiased model ({@link PerSampleEma}).
 * Samples the biased model finds hard (bias-conflicting ones) get weights near 1. The weights
 * carry no gradient.
 */
public final class RelativeDifficulty {

    private static final float EPSILON = 1e-8f;

    private RelativeDifficulty() {}

    /**
     * Computes the weights.
     *
     * @param biasedLoss normalised loss averages of the biased model {@code [B]}
     * @param debiasedLoss normalised loss averages of the debiased model {@code [B]}
     * @return the weights in [0, 1], {@code [B]}, detached
     */
    public static NDArray weights(NDArray biasedLoss, NDArray debiasedLoss) {
        if (!biasedLoss.getShape().equals(debiasedLoss.getShape())) {
            throw new IllegalArgumentException(
                    "loss shapes differ: " + biasedLoss.getShape() + " vs " + debiasedLoss.getShape());
        }
        NDArray b = biasedLoss.stopGradient();
        return b.div(b.add(debiasedLoss.stopGradient()).add(EPSILON));
    }
}
