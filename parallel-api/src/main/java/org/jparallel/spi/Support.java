package org.jparallel.spi;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend does with the settings that not every backend can honour: each is honoured (in
 * the backend's own way: a worker JVM is killed at its timeout, a thread is interrupted), refused
 * before anything runs with an {@link IllegalArgumentException}, or ignored with a warning said
 * once per JVM on the logger {@code org.jparallel}. The call checks a backend's {@code Support}
 * against its {@link CallSpec} in one place, before the backend's {@code begin}, so a backend never
 * checks these settings itself.
 *
 * <pre>{@code
 * Support spark = Support.all()
 *         .refuses(Support.Setting.RETRIES, "cannot apply on Spark: ...; remove retries(...)");
 * }</pre>
 *
 * The message is the setting as the user wrote it ({@code "retries(2)"}) followed by the reason
 * given here. A writable shared array is met only while the call's objects are serialized, so the
 * backend's serializer, not this check, refuses it where a backend cannot share writes.
 */
public final class Support {
    /** The settings a backend may not honour. */
    public enum Setting {
        /** {@code timeout(...)}: set when the spec has a timeout. */
        TIMEOUT,
        /** {@code retries(n)}: set when n > 0. */
        RETRIES,
        /** {@code workerHeap}, {@code workerProperty}, {@code workerJvmOptions}, {@code idleTimeout}: set when not the defaults. */
        WORKER_OPTIONS;

        /** Whether {@code spec} asks for this setting. */
        public boolean isSetIn(CallSpec spec) {
            return switch (this) {
                case TIMEOUT -> spec.timeout() != null;
                case RETRIES -> spec.retries() > 0;
                case WORKER_OPTIONS -> !spec.workers().equals(WorkerOptions.defaults());
            };
        }

        /** The setting as the user wrote it, to begin a message: {@code "retries(2)"}. */
        public String describe(CallSpec spec) {
            return switch (this) {
                case TIMEOUT -> "timeout(" + spec.timeout() + ")";
                case RETRIES -> "retries(" + spec.retries() + ")";
                case WORKER_OPTIONS -> "workerHeap, workerProperty, workerJvmOptions and idleTimeout";
            };
        }
    }

    /** What the backend does with a setting that a call asks for. */
    public enum Handling {
        HONOURED, WARNED, REFUSED
    }

    private static final Support ALL = new Support(new EnumMap<>(Setting.class), new EnumMap<>(Setting.class));

    private final Map<Setting, Handling> handling;
    private final Map<Setting, String> reasons;

    private Support(Map<Setting, Handling> handling, Map<Setting, String> reasons) {
        this.handling = handling;
        this.reasons = reasons;
    }

    /** A backend that honours every setting: worker JVMs. */
    public static Support all() {
        return ALL;
    }

    /**
     * The same, but {@code setting} fails the call before anything runs.
     *
     * @param reason follows the setting in the message: "cannot apply on ...: ...; remove ..."
     */
    public Support refuses(Setting setting, String reason) {
        return with(setting, Handling.REFUSED, reason);
    }

    /**
     * The same, but {@code setting} is ignored with a warning, once per JVM and reason.
     *
     * @param reason follows the setting in the warning: "has no effect with ...: ..."
     */
    public Support warns(Setting setting, String reason) {
        return with(setting, Handling.WARNED, reason);
    }

    private Support with(Setting setting, Handling how, String reason) {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(reason, "reason: say why and what to do instead");
        Map<Setting, Handling> h = new EnumMap<>(Setting.class);
        h.putAll(handling);
        h.put(setting, how);
        Map<Setting, String> r = new EnumMap<>(Setting.class);
        r.putAll(reasons);
        r.put(setting, reason);
        return new Support(h, r);
    }

    public Handling handling(Setting setting) {
        return handling.getOrDefault(setting, Handling.HONOURED);
    }

    /** The reason given with {@link #refuses} or {@link #warns}, or null for an honoured setting. */
    public String reason(Setting setting) {
        return reasons.get(setting);
    }

    @Override
    public String toString() {
        return "Support" + handling;
    }
}
