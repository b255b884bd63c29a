package dev.debias.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

import dev.debias.ndarray.Scalars;

/**
 * The subgroup consistency regulariser of CAMEL (Goel et al., "Model Patching: Closing the Subgroup
 * Performance Gap with Data Augmentation", ICLR 2021): predictions on an image and on its two
 * translations into the other subgroups of its class should agree.
 *
 * <p>Input: {@code predictions} holds three logits arrays {@code [B, K]} in this order: the
 * original images, their translations by generator {@code F}, and their translations by generator
 * {@code G}; row {@code i} of all three comes from the same source image. Labels are ignored. With
 * \(p_o, p_F, p_G\) the softmax probabilities and \(\mathrm{KL}(a \| b) = \sum_k \bar a_k \log(\bar
 * a_k / \bar b_k)\), where \(\bar x = \mathrm{clip}(x, 10^{-7}, 1)\) as in the reference (Keras'
 * {@code KLD}), the per-sample values are, by {@link Type}:
 *
 * <ul>
 *   <li>{@link Type#CAMEL} (default): \(\tfrac12 \mathrm{KL}(p_o \| m) + \tfrac14 \mathrm{KL}(p_F
 *       \| m) + \tfrac14 \mathrm{KL}(p_G \| m)\) with \(m = (p_F + p_G)/2\): the original agrees with
 *       the mean of its translations, and the translations agree with each other (half their
 *       Jensen-Shannon divergence);
 *   <li>{@link Type#TRIPLET_JS}: \(\tfrac13 \sum_{v \in \{o, F, G\}} \mathrm{KL}(p_v \| m)\) with
 *       \(m = (p_o + p_F + p_G)/3\);
 *   <li>{@link Type#KL}: \(\tfrac12 (\mathrm{KL}(p_o \| p_F) + \mathrm{KL}(p_o \| p_G))\);
 *   <li>{@link Type#REVERSE_KL}: \(\tfrac12 (\mathrm{KL}(p_F \| p_o) + \mathrm{KL}(p_G \| p_o))\).
 * </ul>
 *
 * <p>No gradient is stopped: it flows through all three predictions and through \(m\). The
 * per-sample values are multiplied by the weight \(\lambda\) (default 1); {@link #evaluate} returns
 * their batch mean. CAMEL sums this loss over the groups of a step, each group contributing the
 * mean over its own sub-batch.
 */
public final class SubgroupConsistencyLoss extends Loss implements PerSampleLoss {

    /** The probability floor applied inside every KL term, as in the reference. */
    public static final float EPSILON = 1e-7f;

    /** The divergence the regulariser computes. */
    public enum Type {
        /** CAMEL's loss: original vs mean of translations, plus Jensen-Shannon of translations. */
        CAMEL,
        /** Mean KL of the three predictions to their mean. */
        TRIPLET_JS,
        /** KL from the original to each translation. */
        KL,
        /** KL from each translation to the original. */
        REVERSE_KL
    }

    private final Type type;
    private final float weight;

    /** Creates the CAMEL regulariser with weight 1. */
    public SubgroupConsistencyLoss() {
        this(Type.CAMEL, 1f);
    }

    /**
     * Creates the regulariser.
     *
     * @param type the divergence
     * @param weight the weight \(\lambda\), finite and {@code >= 0}
     */
    public SubgroupConsistencyLoss(Type type, float weight) {
        this("SubgroupConsistency", type, weight);
    }

    /**
     * Creates the regulariser with a display name.
     *
     * @param name the name shown by DJL's training listeners
     * @param type the divergence
     * @param weight the weight \(\lambda\), finite and {@code >= 0}
     */
    public SubgroupConsistencyLoss(String name, Type type, float weight) {
        super(name);
        if (type == null) {
            throw new IllegalArgumentException("the consistency type must not be null");
        }
        if (!(weight >= 0) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException(
                    "the consistency weight must be finite and >= 0, got " + weight);
        }
        this.type = type;
        this.weight = weight;
    }

    /**
     * Returns the divergence type.
     *
     * @return the type
     */
    public Type getType() {
        return type;
    }

    /**
     * Returns the weight \(\lambda\).
     *
     * @return the weight
     */
    public float getWeight() {
        return weight;
    }

    /**
     * Returns the row-wise clipped divergence \(\sum_k \bar a_k \log(\bar a_k / \bar b_k)\) of two
     * probability matrices, with \(\bar x = \mathrm{clip}(x, 10^{-7}, 1)\).
     *
     * @param a the first distributions {@code [B, K]}
     * @param b the second distributions {@code [B, K]}
     * @return the divergences, shape {@code [B]}
     */
    public static NDArray klDivergence(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape()) || a.getShape().dimension() != 2) {
            throw new IllegalArgumentException(
                    "KL divergence needs two [B, K] arrays of equal shape, got "
                            + a.getShape()
                            + " and "
                            + b.getShape());
        }
        NDArray ca = a.clip(EPSILON, 1f);
        NDArray cb = b.clip(EPSILON, 1f);
        return ca.mul(ca.log().sub(cb.log())).sum(new int[] {1});
    }

    /** {@inheritDoc} */
    @Override
    public NDArray perSample(NDList labels, NDList predictions) {
        int size = predictions == null ? 0 : predictions.size();
        if (size < 3) {
            throw new IllegalArgumentException(
                    getName()
                            + ": expected three logits arrays [original, translationF,"
                            + " translationG], got "
                            + size);
        }
        NDArray original = LossInputs.logits(predictions, 0, getName());
        NDArray translatedF = LossInputs.logits(predictions, 1, getName());
        NDArray translatedG = LossInputs.logits(predictions, 2, getName());
        if (!original.getShape().equals(translatedF.getShape())
                || !original.getShape().equals(translatedG.getShape())) {
            throw new IllegalArgumentException(
                    getName()
                            + ": the three logits arrays must have equal shapes, got "
                            + original.getShape()
                            + ", "
                            + translatedF.getShape()
                            + " and "
                            + translatedG.getShape());
        }
        NDArray po = original.softmax(1);
        NDArray pf = translatedF.softmax(1);
        NDArray pg = translatedG.softmax(1);
        NDArray values =
                switch (type) {
                    case CAMEL -> camel(po, pf, pg);
                    case TRIPLET_JS -> tripletJs(po, pf, pg);
                    case KL -> Scalars.mul(klDivergence(po, pf).add(klDivergence(po, pg)), 0.5f);
                    case REVERSE_KL -> Scalars.mul(klDivergence(pf, po).add(klDivergence(pg, po)), 0.5f);
                };
        return Scalars.mul(values, weight);
    }

    private static NDArray camel(NDArray po, NDArray pf, NDArray pg) {
        NDArray m = Scalars.div(pf.add(pg), 2f);
        return Scalars.mul(klDivergence(po, m), 0.5f)
                .add(Scalars.mul(klDivergence(pf, m), 0.25f))
                .add(Scalars.mul(klDivergence(pg, m), 0.25f));
    }

    private static NDArray tripletJs(NDArray po, NDArray pf, NDArray pg) {
        NDArray m = Scalars.div(po.add(pf).add(pg), 3f);
        return Scalars.div(klDivergence(po, m).add(klDivergence(pf, m)).add(klDivergence(pg, m)), 3f);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return LossInputs.requireFinite(perSample(labels, predictions).mean(), getName());
    }
}
