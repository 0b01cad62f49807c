# shellcheck shell=bash
# Shared by the scripts in this directory; sourced, not run.
#
# A server lives in a directory of its own: zoo.cfg, data/ (with myid in an
# ensemble), zookeeper.log, zookeeper.pid and, when ZK_WATCH_PID is set,
# watchdog.pid. Restarting a server on the same directory keeps its data.
#
# Environment:
#   ZK_JAVA          java binary (default: java on PATH)
#   ZK_CLASSPATH     server classpath (default: Debian's /usr/share/java jars)
#   ZK_TICK_TIME     tickTime in ms (default 100). ZooKeeper expires a
#                    session on a tick, so a dead client's session ends up
#                    to one tick after its timeout: 100 ms keeps a master
#                    failover close to --zk_session_timeout. initLimit and
#                    syncLimit (in ticks) are derived to stay 10 s and 5 s.
#   ZK_JVM_OPTS      extra JVM options
#   ZK_START_TIMEOUT seconds to wait for a server to serve (default 60)
#   ZK_WATCH_PID     stop the server when this process exits (tests pass
#                    their own pid so that no server outlives them)

zk_die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# zk_running <pid>: the process runs (an exited process that is not reaped
# yet, a zombie, does not).
zk_running() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)
  [ -n "$state" ] && [ "$state" != Z ]
}

zk_classpath() {
  if [ -n "${ZK_CLASSPATH:-}" ]; then
    echo "$ZK_CLASSPATH"
    return
  fi
  # zookeeper.jar's manifest names its dependencies; add a logging binding
  # so that the server's log is written (to stderr, hence zookeeper.log).
  local jar=/usr/share/java/zookeeper.jar cp
  [ -f "$jar" ] || zk_die "$jar not found: run $(dirname "$0")/install.sh"
  cp=$jar
  if [ -f /usr/share/java/slf4j-simple.jar ]; then
    cp=$cp:/usr/share/java/slf4j-simple.jar
  fi
  echo "$cp"
}

zk_check_port() {
  case "$1" in
    '' | *[!0-9]*) zk_die "bad port '$1'" ;;
  esac
  if [ "$1" -lt 1 ] || [ "$1" -gt 65533 ]; then
    zk_die "port $1 out of range (the quorum and election ports are port+1 and port+2)"
  fi
}

# zk_write_config <dir> <client port> [<server lines>...]
zk_write_config() {
  local dir=$1 port=$2 tick=${ZK_TICK_TIME:-100}
  shift 2
  case "$tick" in
    '' | *[!0-9]* | 0*) zk_die "bad ZK_TICK_TIME '$tick' (milliseconds, at least 1)" ;;
  esac
  mkdir -p "$dir/data"
  {
    echo "tickTime=$tick"
    # A follower gets 10 s to join the leader and 5 s to stay in sync,
    # whatever the tick.
    echo "initLimit=$(((10000 + tick - 1) / tick))"
    echo "syncLimit=$(((5000 + tick - 1) / tick))"
    echo "dataDir=$dir/data"
    echo "clientPort=$port"
    echo "clientPortAddress=127.0.0.1"
    echo "minSessionTimeout=1000"
    echo "maxSessionTimeout=60000"
    echo "maxClientCnxns=0"
    echo "admin.enableServer=false"
    echo "4lw.commands.whitelist=ruok,srvr,stat,mntr,conf,cons"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$dir/zoo.cfg"
}

# zk_start <dir>: starts the server configured in <dir>/zoo.cfg, detached.
zk_start() {
  local dir java cp pid
  dir=$(cd "$1" && pwd)
  if [ -f "$dir/zookeeper.pid" ] && zk_running "$(cat "$dir/zookeeper.pid")"; then
    zk_die "a server already runs in $dir (pid $(cat "$dir/zookeeper.pid"))"
  fi
  rm -f "$dir/zookeeper.pid" "$dir/watchdog.pid"
  java=${ZK_JAVA:-java}
  command -v "$java" >/dev/null 2>&1 || zk_die "java not found: run $(dirname "$0")/install.sh"
  cp=$(zk_classpath)
  # A session of its own, and no inherited stdout/stderr, so that the
  # caller (a test's exec) is not kept waiting by the server's pipes.
  # shellcheck disable=SC2086,SC2016
  setsid bash -c 'echo $$ >"$1/zookeeper.pid"; shift; exec "$@"' _ "$dir" \
    "$java" -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.net.preferIPv4Stack=true -Dzookeeper.admin.enableServer=false \
    ${ZK_JVM_OPTS:-} -cp "$cp" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" \
    </dev/null >>"$dir/zookeeper.log" 2>&1 &
  local _
  for _ in $(seq 100); do
    [ -s "$dir/zookeeper.pid" ] && break
    sleep 0.05
  done
  [ -s "$dir/zookeeper.pid" ] || zk_die "the server in $dir did not start; see $dir/zookeeper.log"
  pid=$(cat "$dir/zookeeper.pid")
  if [ -n "${ZK_WATCH_PID:-}" ]; then
    # shellcheck disable=SC2016
    setsid bash -c 'echo $$ >"$1/watchdog.pid"
      while kill -0 "$2" 2>/dev/null && kill -0 "$3" 2>/dev/null; do sleep 0.5; done
      kill -KILL "$3" 2>/dev/null || true' _ "$dir" "$ZK_WATCH_PID" "$pid" \
      </dev/null >/dev/null 2>&1 &
  fi
}

# zk_srvr <port>: the server's answer to the srvr four-letter word.
zk_srvr() {
  # shellcheck disable=SC2016
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf srvr >&3 && cat <&3' _ "$1" 2>/dev/null || true
}

# zk_wait <dir> <port>: waits until the server serves clients (standalone,
# leader or follower), failing early if it exits.
zk_wait() {
  local dir=$1 port=$2 deadline pid
  deadline=$((SECONDS + ${ZK_START_TIMEOUT:-60}))
  pid=$(cat "$dir/zookeeper.pid")
  while [ $SECONDS -lt $deadline ]; do
    if ! zk_running "$pid"; then
      tail -n 20 "$dir/zookeeper.log" >&2 || true
      zk_die "the server in $dir exited; its log is $dir/zookeeper.log"
    fi
    if zk_srvr "$port" | grep -q '^Mode: '; then
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/zookeeper.log" >&2 || true
  zk_die "the server in $dir does not serve on 127.0.0.1:$port after ${ZK_START_TIMEOUT:-60}s"
}
