package org.jparallel.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on this machine, for the tests: a Master, a Worker and an
 * application with 2 executors of 1 core and 512 MiB each, all started from the test class path
 * (the worker offers a third core, for an application that a test submits with spark-submit)
 * on random ports. Started once for the test run (the first class that registers the extension)
 * and stopped at its end, by pid; its folder (SPARK_HOME, work and local dirs, logs) is deleted.
 *
 * <pre>{@code
 * @RegisterExtension static final SparkCluster CLUSTER = new SparkCluster();
 * ... CLUSTER.context() ...
 * }</pre>
 *
 * Every wait has a time limit; when one fires, the executors' stderr ({@code work/app-* /N/stderr})
 * is printed with the master's and worker's logs.
 */
public class SparkCluster implements BeforeAllCallback {
    static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");

    private static Running running;

    /** What was started; closed by JUnit at the end of the run (a value of the root store). */
    static final class Running implements AutoCloseable {
        final Path dir;
        final List<Process> servers = new ArrayList<>();
        Process worker;
        SparkContext sc;
        String masterUrl;
        Map<String, String> env;

        Running(Path dir) {
            this.dir = dir;
        }

        @Override
        public void close() {
            try {
                if (sc != null) {
                    sc.stop();
                }
            } finally {
                for (int i = servers.size() - 1; i >= 0; i--) {   // worker (and its executors), then master
                    stop(servers.get(i));
                }
                deleteTree(dir);
                running = null;
            }
        }
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        synchronized (SparkCluster.class) {
            if (running == null) {
                Running r = start();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(SparkCluster.class, r);
                running = r;
            }
        }
    }

    public SparkContext context() {
        return running.sc;
    }

    /** The pids of the executor JVMs alive now. */
    public List<ProcessHandle> executors() {
        // The worker starts nothing but executors; the JDK may not read their (long) command lines.
        return running.worker.descendants().filter(ProcessHandle::isAlive).toList();
    }

    /** The cluster's folder (deleted with it): put a test's files here. */
    public Path dir() {
        return running.dir;
    }

    /** {@code spark://127.0.0.1:port}. */
    public String masterUrl() {
        return running.masterUrl;
    }

    /** What the cluster's JVMs have in their environment ({@code SPARK_HOME} and the like). */
    public Map<String, String> env() {
        return running.env;
    }

    /** The standalone worker's folder of executor folders ({@code work/app-* /N/stdout, stderr}). */
    public Path workDir() {
        return running.dir.resolve("work");
    }

    /** Waits (at most {@code limit}) until {@code n} executors are registered with the application. */
    public void awaitExecutors(int n, Duration limit) {
        waitFor(n + " executors registered", limit,
                () -> running.sc.statusTracker().getExecutorInfos().length == n + 1);   // the driver is listed too
    }

    /** Awaitility with a limit; when it fires, the logs of the cluster are printed. */
    public static void waitFor(String what, Duration limit, Callable<Boolean> condition) {
        try {
            Awaitility.await(what).atMost(limit).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            printLogs(running == null ? null : running.dir);
            throw new AssertionError("waited " + limit.toSeconds() + " s for " + what + "; the cluster's logs are above", e);
        }
    }

    private static Running start() throws IOException {
        Path dir = Files.createTempDirectory("sparktest-");
        Running r = new Running(dir);
        running = r;   // for the logs, should a wait fire
        try {
            Path home = Files.createDirectories(dir.resolve("home/jars"));   // SPARK_HOME needs jars/, even empty
            Path work = Files.createDirectories(dir.resolve("work"));
            Path local = Files.createDirectories(dir.resolve("local"));
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            Path infoLog = dir.resolve("log4j2-servers.properties");
            Files.writeString(infoLog, String.join("\n",
                    "rootLogger.level = info", "rootLogger.appenderRef.stderr.ref = console",
                    "appender.console.type = Console", "appender.console.name = console",
                    "appender.console.target = SYSTEM_ERR", "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex", ""));
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = ProcessHandle.current().info().command().orElse("java");
            Map<String, String> env = Map.of("SPARK_HOME", home.getParent().toString(),
                    "SPARK_LOCAL_DIRS", local.toString(), "SPARK_SCALA_VERSION", "2.13",
                    "JAVA_HOME", System.getProperty("java.home"));
            r.env = env;
            List<String> jvm = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp,
                    "-Dlog4j.configurationFile=" + infoLog, "-cp", classPath);

            Path masterLog = dir.resolve("master.log");
            r.servers.add(launch(jvm, List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", "0", "--webui-port", "0"), env, masterLog));
            String[] url = new String[1];
            waitFor("the Spark master to start", START_LIMIT, () -> {
                Matcher m = MASTER_URL.matcher(Files.readString(masterLog));
                if (m.find()) {
                    url[0] = m.group(1);
                }
                return url[0] != null;
            });

            r.masterUrl = url[0];
            Path workerLog = dir.resolve("worker.log");
            r.worker = launch(jvm, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", "3", "--memory", "1536m", "--work-dir", work.toString(), "--webui-port", "0", url[0]),
                    env, workerLog);
            r.servers.add(r.worker);
            waitFor("the Spark worker to register", START_LIMIT,
                    () -> Files.readString(workerLog).contains("Successfully registered with master"));

            SparkConf conf = new SparkConf()
                    .setMaster(url[0])
                    .setAppName("jparallel-spark-tests")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false")
                    .set("spark.local.dir", local.toString())
                    .set("spark.executor.cores", "1")
                    .set("spark.executor.memory", "512m")
                    .set("spark.cores.max", "2")
                    .set("spark.executor.extraClassPath", classPath)
                    .set("spark.executor.extraJavaOptions", "-XX:+UseSerialGC -Djava.io.tmpdir=" + tmp)
                    .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13");
            r.sc = new SparkContext(conf);
            r.sc.setLogLevel("WARN");
            new SparkCluster().awaitExecutors(2, START_LIMIT);
            return r;
        } catch (RuntimeException | Error | IOException e) {
            r.close();
            throw e;
        }
    }

    private static Process launch(List<String> jvm, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(jvm);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** SIGTERM to the process and its descendants, then SIGKILL after 15 s. */
    private static void stop(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                h.destroyForcibly();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // reported by the leak check of ./dev.sh test
                }
            }
        }
    }

    static void printLogs(Path dir) {
        if (dir == null) {
            return;
        }
        List<Path> logs = new ArrayList<>();
        logs.add(dir.resolve("master.log"));
        logs.add(dir.resolve("worker.log"));
        try (Stream<Path> files = Files.walk(dir.resolve("work"))) {
            files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().forEach(logs::add);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cannot list " + dir.resolve("work") + ": " + e);
        }
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log);
                System.err.println("==== " + log + " (last 80 lines)");
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.err::println);
            } catch (IOException | UncheckedIOException e) {
                System.err.println("==== " + log + ": " + e);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}
