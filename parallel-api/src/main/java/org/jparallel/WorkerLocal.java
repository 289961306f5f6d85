package org.jparallel;

import org.jparallel.internal.WorkerState;

import java.io.Serializable;
import java.util.Objects;

/**
 * A value made once per worker JVM and shared by every task that runs there, typed: a model, an
 * index or a parser loaded once per worker rather than once per task. A task captures the
 * {@code WorkerLocal} (it travels to the workers as its {@link Init}), and {@link #get()} in the
 * worker gives that worker's value, made by the first task that asks for it:
 * <pre>{@code
 * WorkerLocal<Model> model = WorkerLocal.of(() -> Model.load(Path.of("model.bin")));
 * List<Double> scores = p.map((String text) -> model.get().score(text), texts);
 * }</pre>
 *
 * <p>The value lives as long as its worker JVM, across calls and across {@code Parallel}s that
 * capture the same {@code WorkerLocal}. Where tasks run in this JVM (THREADS, SEQUENTIAL,
 * {@code nJobs == 1}) this JVM has one value, which {@code get()} also gives outside any task.
 * The value is made once even when several tasks of a worker ask for it at once; if {@code init}
 * throws, the task that asked fails with that exception and the next {@code get()} tries again.
 * Unlike {@link Parallel#initializer(Init)}, which gives one untyped state per {@code Parallel},
 * a task may use any number of these.
 */
public final class WorkerLocal<S> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Names the value in each JVM; travels with the task, so every worker finds the same value. */
    private final String key = org.jparallel.internal.WorkerState.newKey();
    private final Init<S> init;

    private WorkerLocal(Init<S> init) {
        this.init = init;
    }

    /** A worker-local value made by {@code init}, once per JVM, the first time a task calls {@link #get()}. */
    public static <S> WorkerLocal<S> of(Init<S> init) {
        return new WorkerLocal<>(Objects.requireNonNull(init, "WorkerLocal.of(init): init is null"));
    }

    /** This JVM's value: made by the {@link Init} on the first call in this JVM, the same one after that. */
    public S get() {
        return WorkerState.once(key, init);
    }

    @Override
    public String toString() {
        return "WorkerLocal[" + key + "]";
    }
}
