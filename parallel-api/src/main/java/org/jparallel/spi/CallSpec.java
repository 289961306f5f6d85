package org.jparallel.spi;

import org.jparallel.Fn;
import org.jparallel.memmap.MmapMode;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a backend needs to start one call.
 *
 * @param function    applied to every argument
 * @param nJobs       how many tasks may run at once (already resolved: at least 1)
 * @param maxBytes    shared arrays and primitive arrays larger than this travel as memory-mapped
 *                    files; {@code Long.MAX_VALUE} turns dumping off
 * @param tempFolder  where dumps go; null to choose (see {@code TempFolders.chooseBase})
 * @param mmapMode    how workers map dumped inputs
 * @param timeout     per-task limit, or null for none
 * @param workers     how worker JVMs are started
 * @param retries     how many times a batch whose worker died is run again on another worker
 * @param userLoader  the class loader of the user's function: resolves classes of results and of
 *                    exceptions, and serves classes the workers lack
 */
public record CallSpec(Fn<Object, Object> function, int nJobs, long maxBytes, Path tempFolder,
                       MmapMode mmapMode, Duration timeout, int retries, WorkerOptions workers,
                       ClassLoader userLoader) {
}
