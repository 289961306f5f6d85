package org.jparallel.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How worker JVMs are started and kept. Pools are shared by every {@link org.jparallel.Parallel}
 * with equal options.
 *
 * @param maxHeap     the workers' -Xmx ("2g"), or null for the JVM's default
 * @param properties  system properties set in each worker (-Dkey=value)
 * @param jvmOptions  further JVM options, passed as they are
 * @param idleTimeout workers with no call for this long exit
 */
public record WorkerOptions(String maxHeap, Map<String, String> properties, List<String> jvmOptions,
                            Duration idleTimeout) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);

    public WorkerOptions {
        properties = Map.copyOf(properties);
        jvmOptions = List.copyOf(jvmOptions);
    }

    public static WorkerOptions defaults() {
        return new WorkerOptions(null, Map.of(), List.of(), DEFAULT_IDLE_TIMEOUT);
    }

    // Written out: a record's generated equals and hashCode bootstrap java.lang.runtime.ObjectMethods on
    // first use, which took 40 ms of a cold first call here (the pools are looked up by these options).
    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerOptions w && Objects.equals(maxHeap, w.maxHeap) && properties.equals(w.properties)
                && jvmOptions.equals(w.jvmOptions) && Objects.equals(idleTimeout, w.idleTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxHeap, properties, jvmOptions, idleTimeout);
    }
}
