package org.jparallel.internal;

import org.jparallel.Backend;
import org.jparallel.spi.CallExecutor;
import org.jparallel.spi.CallSpec;
import org.jparallel.spi.Support;

/**
 * A backend found with {@link java.util.ServiceLoader}: {@code parallel-runtime} provides
 * {@link Backend#PROCESSES} this way, so the API never depends on the runtime. Not SPI: the backends
 * of the {@link Backend} enum are this library's own; another backend implements
 * {@link org.jparallel.spi.ClusterBackend}.
 */
public interface BackendProvider {

    Backend backend();

    /**
     * What this backend does with the settings not every backend honours; the call checks it
     * before {@link #begin}. By default, all are honoured.
     */
    default Support support() {
        return Support.all();
    }

    /** Starts a call (starting or reusing workers as needed). */
    CallExecutor begin(CallSpec spec);

    /** Stops every worker this provider started; the next call starts new ones. */
    void shutdown();
}
