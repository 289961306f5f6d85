#!/usr/bin/python3
"""The joblib side of org.jparallel.bench.VsJoblib: the same workloads, with joblib's loky backend.

Run by VsJoblib with Debian's /usr/bin/python3 (python3-joblib, python3-numpy). Prints one line per
result on stdout, which VsJoblib parses:

    info <key> <text>                      versions and the like
    fig <key> <median> <min> <max> <n>     a figure: the median of n repetitions
    detail <key> <text>                    how a figure breaks down
    fail <key> <message>                   a workload that failed

Progress goes to stderr. `joblib_bench.py --cold` is one cold start (a fresh interpreter); the main
run starts several of them. `joblib_bench.py --only tiny,rowsum_shared` runs only those workloads
(names as in VsJoblib: cold, tiny, one_per_batch, warm, rowsum_shared, rowsum_auto, results).

The workloads are those of VsJoblib (see JparallelWorkloads), in joblib's terms: cold is the first
2-task call of a fresh python, with `import joblib` timed apart; rowsum-auto's matrix is a numpy
array passed with max_nbytes="1M", so that joblib dumps it to /dev/shm by every call; rowsum-shared's
is a numpy memmap of a .npy file in /dev/shm, and its output an open_memmap(mode="w+") that the
tasks write into. Figures are medians of repeated runs after warm-up, except cold.

Every file this script creates in /dev/shm is named joblib_bench_<pid>_* and deleted before it
exits; joblib's own memmapping folders (joblib_memmapping_folder_<pid>_*) are joblib's to delete.
"""
import os
import sys
import time

# The cold start must measure joblib's import: nothing heavy is imported above this line.
if __name__ == "__main__" and sys.argv[1:] == ["--cold"]:
    main_ns = time.monotonic_ns()   # CLOCK_MONOTONIC, shared with the parent
    t0 = time.perf_counter()
    import joblib  # noqa: E402
    t1 = time.perf_counter()
    from joblib import Parallel, delayed  # noqa: E402

    def ident(x):
        return x

    out = Parallel(n_jobs=2)(delayed(ident)(i) for i in range(2))
    t2 = time.perf_counter()
    assert out == [0, 1], out
    out = Parallel(n_jobs=2)(delayed(ident)(i) for i in range(2))   # the same call again
    t3 = time.perf_counter()
    assert out == [0, 1], out
    print("import_ms %.3f" % ((t1 - t0) * 1e3))
    print("first_call_ms %.3f" % ((t2 - t1) * 1e3))
    print("second_call_ms %.3f" % ((t3 - t2) * 1e3))
    print("main_ns %d" % main_ns)
    sys.stdout.flush()
    sys.exit(0)

import math  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402
import joblib  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from numpy.lib.format import open_memmap  # noqa: E402

JOBS = 2
ROWS = COLS = 16384                      # 2 GiB of float64
TASKS = 64
ROWS_PER_TASK = ROWS // TASKS            # 256
MATRIX_BYTES = ROWS * COLS * 8
RESULT_LEN = 524288                      # 4 MiB of float64 per task
SHM = "/dev/shm"
OWN_PREFIX = "joblib_bench_%d_" % os.getpid()
created_files = []


def log(msg):
    print("[joblib] " + msg, file=sys.stderr, flush=True)


def emit(line):
    print(line, flush=True)


def fig(key, samples, scale=1.0):
    values = sorted(s * scale for s in samples)
    emit("fig %s %.6g %.6g %.6g %d" % (key, statistics.median(values), values[0], values[-1], len(values)))


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def repeat(n, fn, warmup=1):
    for _ in range(warmup):
        fn()
    return [timed(fn) for _ in range(n)]


# ---------------------------------------------------------------- task functions (run in workers)

def ident(x):
    return x


def block_sum(m, i):
    return float(m[i * ROWS_PER_TASK:(i + 1) * ROWS_PER_TASK].sum())


def block_sum_into(m, i, out):
    out[i] = m[i * ROWS_PER_TASK:(i + 1) * ROWS_PER_TASK].sum()


def make_block(i):
    return np.full(RESULT_LEN, float(i))


def sleep_pid(seconds):
    time.sleep(seconds)
    return os.getpid()


# ---------------------------------------------------------------- data

def fill(m):
    """m[r, c] = r % 13 + 0.25 * (c % 4): every block sum is exact in float64, whatever the order."""
    pattern = 0.25 * (np.arange(COLS) % 4)
    for r in range(ROWS):
        np.add(pattern, r % 13, out=m[r])


def expected_block_sum(i):
    return sum(COLS * (r % 13) + 0.375 * COLS for r in range(i * ROWS_PER_TASK, (i + 1) * ROWS_PER_TASK))


EXPECTED = [expected_block_sum(i) for i in range(TASKS)]


def check_sums(sums, what):
    bad = [i for i in range(TASKS) if sums[i] != EXPECTED[i]]
    if bad:
        raise AssertionError("%s: block %d sums to %r, expected %r" % (what, bad[0], sums[bad[0]], EXPECTED[bad[0]]))


# ---------------------------------------------------------------- footprint

def kib_fields(pid):
    fields = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields


def private_kib(pid):
    """Pss minus Pss_Shmem: the process's own memory (anonymous, plus its share of mapped files such as
    libraries), without the /dev/shm pages, which are counted once through the files."""
    f = kib_fields(pid)
    return f["Pss"] - f.get("Pss_Shmem", 0)


def is_deleted_shm(maps_line):
    return " /dev/shm/" in maps_line and " /dev/shm/sem." not in maps_line and maps_line.rstrip().endswith("(deleted)")


def deleted_shm_kib(pid):
    """Pss (KiB) of this process's mappings of deleted /dev/shm files, and how many such files."""
    try:
        with open("/proc/%d/maps" % pid) as f:
            if not any(is_deleted_shm(line) for line in f):
                return 0, 0
        kib, files, inside = 0, set(), False
        with open("/proc/%d/smaps" % pid) as f:
            for line in f:
                first = line.split(" ", 1)[0]
                if not first.endswith(":"):
                    inside = is_deleted_shm(line)
                    if inside:
                        files.add(line[line.index("/dev/shm/"):].strip())
                elif inside and first == "Pss:":
                    kib += int(line.split()[1])
        return kib, len(files)
    except OSError:
        return 0, 0


def leak_check(workload, after):
    """Like VsJoblib: processes that still map deleted /dev/shm files a second after the calls."""
    time.sleep(1)
    kib = files = procs = 0
    for pid in [os.getpid()] + descendants(os.getpid()):
        k, n = deleted_shm_kib(pid)
        kib, files, procs = kib + k, files + n, procs + (1 if n else 0)
    if files and kib >= 1024:
        emit("info leak_%s LEAK in %s: after %s, %d processes still map %d deleted /dev/shm files holding %d MiB"
             % (workload, workload, after, procs, files, kib // 1024))


def descendants(root):
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def shm_kib(prefixes):
    """Allocated KiB of our entries in /dev/shm (st_blocks, like du), each inode once."""
    seen, total = set(), 0
    for name in os.listdir(SHM):
        if not name.startswith(prefixes):
            continue
        path = os.path.join(SHM, name)
        paths = [path]
        if os.path.isdir(path):
            paths = []
            for dirpath, _, files in os.walk(path):
                paths.extend(os.path.join(dirpath, f) for f in files)
        for p in paths:
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512 // 1024
    return total


class Sampler:
    """Samples, every few ms while a call runs, parent + descendants (Pss - Pss_Shmem) + our /dev/shm files."""

    def __init__(self):
        self.peak = None
        self.parent_before = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        me = os.getpid()
        self.prefixes = ("joblib_memmapping_folder_%d_" % me, OWN_PREFIX)

    def sample(self):
        me = os.getpid()
        parent = private_kib(me)
        workers, n = 0, 0
        pids = descendants(me)
        for pid in pids:
            try:
                workers += private_kib(pid)
                n += 1
            except (OSError, KeyError):
                pass
        # Deleted files first, then files: a file deleted in between is missed by this sample rather than
        # counted twice (the peak is kept, so a miss does no harm, a double count would).
        deleted = sum(deleted_shm_kib(pid)[0] for pid in [me] + pids)
        shm = shm_kib(self.prefixes)
        if self.parent_before is None:
            self.parent_before = parent
        s = (parent + workers + shm + deleted, parent, workers, n, shm, deleted)
        if self.peak is None or s[0] > self.peak[0]:
            self.peak = s

    def run(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(0.01)

    def __enter__(self):
        self.sample()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sample()


def footprint(key, call, runs=3):
    peaks, before = [], []
    for _ in range(runs):
        with Sampler() as s:
            call()
        peaks.append(s.peak)
        before.append(s.parent_before)
    peaks.sort()
    before.sort()
    total, parent, workers, n, shm, deleted = peaks[len(peaks) // 2]
    fig(key, [p[0] / 1024 for p in peaks])
    emit("detail %s parent %d + %d other processes %d + /dev/shm files %d MiB%s"
         % (key, parent // 1024, n, workers // 1024, shm // 1024,
            " + deleted but still mapped %d MiB" % (deleted // 1024) if deleted else "")
         + " (the parent was %d MiB before the call)" % (before[len(before) // 2] // 1024))


# ---------------------------------------------------------------- workloads

def cold(runs=5):
    first, imports, whole, to_main, second = [], [], [], [], []
    for _ in range(runs):
        t = time.monotonic_ns()
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--cold"], stdout=subprocess.PIPE,
                             check=True, text=True).stdout
        whole.append((time.monotonic_ns() - t) / 1e6)
        vals = dict(line.split() for line in out.splitlines() if line.strip())
        first.append(float(vals["first_call_ms"]))
        second.append(float(vals["second_call_ms"]))
        imports.append(float(vals["import_ms"]))
        to_main.append((int(vals["main_ns"]) - t) / 1e6)
    fig("cold_first_call_ms", first)
    fig("cold_second_call_ms", second)
    fig("cold_import_ms", imports)
    fig("cold_process_ms", whole)
    fig("cold_to_main_ms", to_main)


def tiny():
    def call():
        out = Parallel(n_jobs=JOBS)(delayed(math.sqrt)(i) for i in range(100_000))
        assert len(out) == 100_000 and out[99_999] == math.sqrt(99_999)
    fig("tiny_us", repeat(7, call, warmup=2), 1e6 / 100_000)


def one_per_batch():
    def call():
        out = Parallel(n_jobs=JOBS, batch_size=1)(delayed(ident)(i) for i in range(2000))
        assert out == list(range(2000))
    fig("one_per_batch_us", repeat(7, call, warmup=2), 1e6 / 2000)


def warm():
    def call():
        assert Parallel(n_jobs=JOBS)(delayed(ident)(i) for i in range(2)) == [0, 1]
    fig("warm_call_ms", repeat(201, call, warmup=20), 1e3)


def rowsum_shared():
    path = os.path.join(SHM, OWN_PREFIX + "matrix.npy")
    out_path = os.path.join(SHM, OWN_PREFIX + "out.npy")
    created_files.extend([path, out_path])
    w = open_memmap(path, mode="w+", dtype=np.float64, shape=(ROWS, COLS))
    fill(w)
    w.flush()
    del w
    m = np.load(path, mmap_mode="r")
    out = open_memmap(out_path, mode="w+", dtype=np.float64, shape=(TASKS,))
    try:
        def call():
            out[:] = 0
            Parallel(n_jobs=JOBS)(delayed(block_sum_into)(m, i, out) for i in range(TASKS))
            check_sums(list(out), "rowsum-shared")
        samples = repeat(11, call, warmup=2)
        fig("rowsum_shared_s", samples)
        fig("rowsum_shared_gbps", [MATRIX_BYTES / s / 1e9 for s in samples])
        footprint("mem_shared_mib", call)
    finally:
        del m, out
        remove_own_files()


def rowsum_auto():
    a = np.empty((ROWS, COLS))
    fill(a)
    try:
        def call():
            sums = Parallel(n_jobs=JOBS, max_nbytes="1M")(delayed(block_sum)(a, i) for i in range(TASKS))
            check_sums(sums, "rowsum-auto")
        fig("rowsum_auto_s", repeat(5, call, warmup=1))
        leak_check("rowsum_auto", "6 calls")
        footprint("mem_auto_mib", call)
    finally:
        del a


def results():
    def call():
        out = Parallel(n_jobs=JOBS)(delayed(make_block)(i) for i in range(TASKS))
        assert len(out) == TASKS and all(len(b) == RESULT_LEN and b[0] == i and b[-1] == i for i, b in enumerate(out))
    samples = repeat(7, call, warmup=2)
    fig("results_s", samples)
    fig("results_mbps", [TASKS * RESULT_LEN * 8 / s / 1e6 for s in samples])
    leak_check("results", "9 calls")


def remove_own_files():
    for p in created_files:
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


WORKLOADS = ["cold", "tiny", "one_per_batch", "warm", "rowsum_shared", "rowsum_auto", "results"]


def selected_workloads(argv):
    """The workloads named by `--only a,b` (all of them without it), in the order they run."""
    if not argv:
        return WORKLOADS
    if len(argv) != 2 or argv[0] != "--only":
        sys.exit("joblib_bench.py: unknown arguments %r; usage: joblib_bench.py [--only NAME,NAME...] (names: %s)"
                 % (argv, ", ".join(WORKLOADS)))
    names = [n.strip().replace("-", "_") for n in argv[1].split(",")]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        sys.exit("joblib_bench.py: --only: no workload named %r; names: %s" % (unknown[0], ", ".join(WORKLOADS)))
    return [w for w in WORKLOADS if w in names]


def main():
    only = selected_workloads(sys.argv[1:])
    from joblib.externals import loky
    emit("info python %s" % sys.version.split()[0])
    emit("info joblib %s" % joblib.__version__)
    emit("info numpy %s" % np.__version__)
    emit("info loky %s" % loky.__version__)
    emit("info cores %d" % os.cpu_count())
    workloads = [("cold", cold), ("tiny", tiny), ("one_per_batch", one_per_batch), ("warm", warm),
                 ("rowsum_shared", rowsum_shared), ("rowsum_auto", rowsum_auto), ("results", results)]
    workloads = [(name, fn) for name, fn in workloads if name in only]
    try:
        for name, fn in workloads:
            log(name + "...")
            try:
                fn()
            except Exception as e:  # report and go on with the next workload
                traceback.print_exc()
                emit("fail %s %s: %s" % (name, type(e).__name__, str(e).replace("\n", " ")[:300]))
        # The worker pids are only needed to show that the executor was reused throughout.
        pids = sorted(set(Parallel(n_jobs=JOBS, batch_size=1)(delayed(sleep_pid)(0.05) for _ in range(8))))
        emit("info joblib_worker_pids %s" % ",".join(map(str, pids)))
    finally:
        remove_own_files()
        loky.get_reusable_executor().shutdown(wait=True)


if __name__ == "__main__":
    main()
