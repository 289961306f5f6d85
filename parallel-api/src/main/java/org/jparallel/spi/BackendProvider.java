package org.jparallel.spi;

import org.jparallel.Backend;

/**
 * A backend found with {@link java.util.ServiceLoader}: {@code parallel-runtime} provides
 * {@link Backend#PROCESSES} this way, so the API never depends on the runtime.
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
