package dev.debias.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

import dev.debias.loss.CrossEntropy;
import dev.debias.loss.GeneralizedCrossEntropyLoss;
import dev.debias.ndarray.Scalars;
import dev.debias.train.PerSampleEma;
import dev.debias.train.RelativeDifficulty;

/**
 * The loss terms of one DisEnt step (ALGORITHMS.md §9.2–9.3), each a scalar on the batch's
 * manager:
 *
 * <pre>
 * L_dis  = mean(W · CE(C_i([z_i, sg z_b]), y)) + λ_dis · mean(GCE(C_b([sg z_i, z_b]), y))
 * L_swap = mean(W · CE(C_i([z_i, sg z_b[π]]), y)) + λ_swap_b · mean(GCE(C_b([sg z_i, z_b[π]]), y[π]))
 * L      = L_dis + λ_swap · L_swap          (L_swap only when swapping)
 * </pre>
 *
 * <p>{@code sg} is a stop-gradient: the intrinsic encoder gets no gradient from {@code C_b}'s
 * losses and the bias encoder none from {@code C_i}'s. {@code W} is the relative difficulty of
 * the two branches' class-normalised loss EMAs (updated with this batch first); the swapped
 * intrinsic loss uses the original labels and the un-swapped samples' {@code W}, the swapped bias
 * loss the permuted labels.
 *
 * @param intrinsic {@code mean(W · CE(C_i([z_i, sg z_b]), y))}
 * @param bias {@code mean(GCE(C_b([sg z_i, z_b]), y))}
 * @param swapIntrinsic the swapped intrinsic term, or null without swap
 * @param swapBias the swapped bias term, or null without swap
 * @param total the loss to back-propagate
 */
record DisEntLosses(NDArray intrinsic, NDArray bias, NDArray swapIntrinsic, NDArray swapBias, NDArray total) {

    /**
     * Computes the terms.
     *
     * @param model the model
     * @param parameters the parameter store of the forward passes
     * @param x the inputs
     * @param y the labels
     * @param index the stable sample indices
     * @param emaIntrinsic the intrinsic branch's per-sample loss EMA (DisEnt's {@code ema_d})
     * @param emaBias the bias branch's per-sample loss EMA ({@code ema_b})
     * @param gce the bias branch's GCE
     * @param config the loss weights
     * @param permutation the in-batch permutation {@code π} (int64 {@code [B]}), or null for no swap
     * @return the terms
     */
    static DisEntLosses compute(
            DisEntModel model,
            ParameterStore parameters,
            NDArray x,
            NDArray y,
            NDArray index,
            PerSampleEma emaIntrinsic,
            PerSampleEma emaBias,
            GeneralizedCrossEntropyLoss gce,
            DisEntConfig config,
            NDArray permutation) {
        NDArray zi = model.intrinsicFeatures(parameters, x, true);
        NDArray zb = model.biasFeatures(parameters, x, true);
        NDArray ziFixed = zi.stopGradient();
        NDArray zbFixed = zb.stopGradient();
        NDArray predConflict = model.classifyIntrinsic(parameters, concat(zi, zbFixed), true);
        NDArray predAlign = model.classifyBias(parameters, concat(ziFixed, zb), true);
        NDArray ceConflict = CrossEntropy.ofLogits(predConflict, y);
        NDArray ceAlign = CrossEntropy.ofLogits(predAlign, y);
        NDArray difficultyIntrinsic = emaIntrinsic.updateAndNormalize(ceConflict.stopGradient(), index, y);
        NDArray difficultyBias = emaBias.updateAndNormalize(ceAlign.stopGradient(), index, y);
        NDArray weights = RelativeDifficulty.weights(difficultyBias, difficultyIntrinsic);
        NDArray intrinsic = ceConflict.mul(weights).mean();
        NDArray bias = gce.ofLogits(predAlign, y).mean();
        NDArray total = intrinsic.add(Scalars.mul(bias, config.lambdaDis()));
        if (permutation == null) {
            return new DisEntLosses(intrinsic, bias, null, null, total);
        }
        NDArray zbSwapped = zb.get(permutation);
        NDArray ySwapped = y.get(permutation);
        NDArray predSwapConflict = model.classifyIntrinsic(parameters, concat(zi, zbSwapped.stopGradient()), true);
        NDArray predSwapAlign = model.classifyBias(parameters, concat(ziFixed, zbSwapped), true);
        NDArray swapIntrinsic = CrossEntropy.ofLogits(predSwapConflict, y).mul(weights).mean();
        NDArray swapBias = gce.ofLogits(predSwapAlign, ySwapped).mean();
        NDArray swap = swapIntrinsic.add(Scalars.mul(swapBias, config.lambdaSwapBias()));
        return new DisEntLosses(intrinsic, bias, swapIntrinsic, swapBias, total.add(Scalars.mul(swap, config.lambdaSwap())));
    }

    private static NDArray concat(NDArray a, NDArray b) {
        return NDArrays.concat(new NDList(a, b), 1);
    }
}
