/**
 * Where a training step's time goes: the native operations libtorch's profiler records (calls and
 * self time per operation), the CPU time of every thread of the process (training thread,
 * libtorch's intra-op threads, garbage collector, JIT compilers) and the JVM's allocation and
 * garbage collection, all per step, from the difference of two benchmark runs of different
 * lengths so that set-up, warm-up, evaluation and the other phases cancel out. Used by {@code
 * debias bench --profile}.
 */
package dev.debias.examples.profile;
