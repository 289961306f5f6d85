#!/usr/bin/env bash
# The two commands of the README:
#   ./dev.sh sample   builds the project and runs the row-sum sample on worker JVMs
#   ./dev.sh test     installs what the tests need (python3-numpy, for the .npy round trip) and runs them all
# JAVA_HOME picks the JDK (17 or newer); the default is the java on PATH.
set -euo pipefail
cd "$(dirname "$0")"

need_numpy() {
  if ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    echo "Installing python3-numpy (the tests check our .npy files against real NumPy)..."
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-numpy >/dev/null
  fi
}

check_leaks() {
  local left
  left=$( { ls -d /dev/shm/jparallel-* "${TMPDIR:-/tmp}"/jparallel-* "${TMPDIR:-/tmp}"/sparktest-* 2>/dev/null || true; } )
  # LargerThanMemoryTest makes a memory cgroup named jparallel-test-* below its own and removes it.
  local cgroups
  cgroups=$( { find /sys/fs/cgroup -maxdepth 8 -type d -name 'jparallel-*' 2>/dev/null || true; } )
  [ -n "$cgroups" ] && left=$(printf '%s\n%s' "$left" "$cgroups")
  local procs
  # Worker JVMs, and the Spark master, worker and executors of parallel-spark's tests (their folder is sparktest-*).
  procs=$(pgrep -f 'org.jparallel.runtime.worker.WorkerMain|sparktest-' || true)
  if [ -n "$left" ] || [ -n "$procs" ]; then
    echo "FAILED: the tests left behind:" >&2
    [ -n "$left" ] && echo "$left" >&2
    [ -n "$procs" ] && ps -o pid,args -p $procs >&2
    exit 1
  fi
}

case "${1:-}" in
  sample)
    # -q still prints colour resets on this Maven; strip them so the sample prints only its own lines.
    mvn -q -B -DskipTests install 2>&1 | sed -e "s/\x1b\[[0-9;]*m//g"
    java -jar samples/target/jparallel-samples.jar "${@:2}"
    ;;
  test)
    need_numpy
    mvn -B verify
    check_leaks
    echo "All tests passed; nothing left behind in /dev/shm or ${TMPDIR:-/tmp}, no worker process or cgroup left."
    ;;
  *)
    echo "usage: ./dev.sh sample | ./dev.sh test" >&2
    exit 2
    ;;
esac
