/**
 * JMH micro-benchmarks of what every native operation costs through DJL's PyTorch engine besides
 * its kernel (the JNI call, the Java wrapper, the native allocation, the memory scope), beside one
 * kernel of the steps they serve; run by {@code scripts/jmh.sh}, reported in docs/performance.md.
 */
package dev.debias.jmh;
