package org.jparallel.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bench/src/main/python/joblib_bench.py}, the joblib side of {@link VsJoblib}, with Debian's
 * {@code /usr/bin/python3} (packages python3-joblib and python3-numpy) as a child process, and parses
 * the lines it prints (see the script's docstring): {@code fig} and {@code detail} into the joblib
 * {@link Figures}, {@code fail} into its failures, {@code info} (versions, leaks) into {@link #info}.
 *
 * <p>The system property {@code jparallel.bench.python} chooses the interpreter (default
 * {@code /usr/bin/python3}) and {@code jparallel.bench.script} the script (default: found from this
 * jar's location, else from the working directory).
 */
final class JoblibDriver {
    static final String APT = "apt-get install -y python3-joblib python3-numpy";

    final Figures jl = new Figures();
    final Map<String, String> info = new LinkedHashMap<>();
    /** Why joblib was not measured at all, or null if it ran. */
    String missing;

    /**
     * Runs the script; with {@code only} (not null), only those workloads ({@code --only a,b}, names as
     * in {@link VsJoblib}).
     */
    void run(List<String> only) throws Exception {
        String python = System.getProperty("jparallel.bench.python", "/usr/bin/python3");
        Path script = findScript();
        if (script == null) {
            missing = "joblib_bench.py not found: run from the repository root, or set -Djparallel.bench.script=PATH";
            return;
        }
        String probe;
        int rc;
        try {
            Process p = new ProcessBuilder(python, "-c", "import joblib, numpy").redirectErrorStream(true).start();
            probe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            rc = p.waitFor();
        } catch (IOException e) {
            probe = e.getMessage();
            rc = -1;
        }
        if (rc != 0) {
            String last = probe.isEmpty() ? "" : probe.substring(probe.lastIndexOf('\n') + 1);
            missing = python + " cannot import joblib and numpy (" + last + "); install them with: " + APT;
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        if (only != null) {
            cmd.add("--only");
            cmd.add(String.join(",", only));
        }
        System.err.println("[joblib] running " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                parse(line);
            }
        }
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            jl.fail("script", "timed out");
        } else if (p.exitValue() != 0) {
            jl.fail("script", "exited with " + p.exitValue());
        }
    }

    /** One line of the script's output: {@code fig|detail|fail|info <key> <rest>}. */
    private void parse(String line) {
        String[] parts = line.trim().split("\\s+", 3);
        if (parts.length < 2) {
            return;
        }
        String rest = parts.length > 2 ? parts[2] : "";
        switch (parts[0]) {
            case "fig": {
                String[] v = rest.split("\\s+");
                jl.put(parts[1], new double[] {Double.parseDouble(v[0]), Double.parseDouble(v[1]),
                        Double.parseDouble(v[2]), Double.parseDouble(v[3])});
                break;
            }
            case "detail":
                jl.detail(parts[1], rest);
                break;
            case "fail":
                jl.fail(parts[1], rest);
                break;
            case "info":
                info.put(parts[1], rest);
                break;
            default:
                System.err.println("[joblib] unexpected line: " + line);
        }
    }

    private static Path findScript() {
        String configured = System.getProperty("jparallel.bench.script");
        if (configured != null) {
            return Path.of(configured);
        }
        List<Path> candidates = new ArrayList<>();
        try {
            // bench/target/jparallel-bench.jar or bench/target/classes: both two levels below bench/.
            Path code = Path.of(JoblibDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(code.getParent().getParent().resolve("src/main/python/joblib_bench.py"));
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        candidates.add(Path.of("bench/src/main/python/joblib_bench.py"));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    }
}
