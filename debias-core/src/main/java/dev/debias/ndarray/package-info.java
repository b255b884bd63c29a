/**
 * NDArray helpers that every module uses instead of DJL calls that are unsafe under autograd on
 * DJL's PyTorch engine: {@link dev.debias.ndarray.Scalars} for arithmetic with a Java number.
 */
package dev.debias.ndarray;
