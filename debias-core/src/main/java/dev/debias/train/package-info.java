/**
 * Trainers and the one training loop under them: {@link dev.debias.train.ErmTrainer} (empirical
 * risk minimisation), {@link dev.debias.train.GroupDroTrainer} (Sagawa et al., ICLR 2020), {@link
 * dev.debias.train.LfFTrainer} (Nam et al., NeurIPS 2020) and {@link dev.debias.train.JttTrainer}
 * (Liu et al., ICML 2021); their immutable configs with the papers' presets; checkpointing with
 * resumable optimiser state; and LfF's public building blocks ({@link
 * dev.debias.train.PerSampleEma}, {@link dev.debias.train.RelativeDifficulty}).
 */
package dev.debias.train;
