package dev.debias.gan.cyclegan;

import ai.djl.ndarray.NDArray;

import dev.debias.ndarray.Scalars;

/**
 * The adversarial losses of CAMEL's CycleGAN (ALGORITHMS.md §5.4), each the mean over the patch
 * logits {@code d} of a discriminator for a target {@code t} (1 real, 0 fake).
 */
public enum AdversarialLoss {

    /** Binary cross-entropy on the logits: {@code mean(max(d, 0) - t d + log(1 + exp(-|d|)))}. */
    BCE {
        @Override
        public NDArray of(NDArray logits, float target) {
            NDArray softplus = logits.abs().neg().exp().add(1f).log().add(Scalars.maximum(logits, 0f));
            return softplus.sub(Scalars.mul(logits, target)).mean();
        }
    },

    /** Least squares ("lsgan"): {@code mean((d - t)^2)}. */
    LSGAN {
        @Override
        public NDArray of(NDArray logits, float target) {
            return logits.sub(target).square().mean();
        }
    },

    /** Wasserstein ("wgan"): {@code mean((1 - 2t) d)}. */
    WGAN {
        @Override
        public NDArray of(NDArray logits, float target) {
            return Scalars.mul(logits, 1f - 2f * target).mean();
        }
    };

    /**
     * Returns the loss of a discriminator's patch logits for a target.
     *
     * @param logits the patch logits, any shape
     * @param target 1 for real, 0 for fake
     * @return the scalar loss
     */
    public abstract NDArray of(NDArray logits, float target);
}
