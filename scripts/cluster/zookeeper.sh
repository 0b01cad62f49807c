#!/bin/sh
# gomesos-zookeeper (in the gomesos/mesos image): writes zoo.cfg and myid
# from the environment and runs a ZooKeeper server in the foreground,
# logging to stderr (docker logs).
#
#   ZK_MYID       this server's id, 1..n (required in an ensemble)
#   ZK_SERVERS    comma-separated hostnames of the ensemble, server.1 first
#                 (empty: a standalone server)
#   ZK_TICK_TIME  tickTime in ms (default 500: sessions from 1s to 60s)
#   ZK_HEAP       maximum Java heap (default 128m)
#
# Clients on 2181, quorum on 2888, election on 3888; the four-letter words
# ruok, srvr, stat, mntr, conf, cons and dump are allowed.
set -eu
dir=/var/lib/zookeeper
mkdir -p "$dir/data"
{
  echo "tickTime=${ZK_TICK_TIME:-500}"
  echo "initLimit=20"
  echo "syncLimit=10"
  echo "dataDir=$dir/data"
  echo "clientPort=2181"
  echo "minSessionTimeout=1000"
  echo "maxSessionTimeout=60000"
  echo "maxClientCnxns=0"
  echo "admin.enableServer=false"
  echo "4lw.commands.whitelist=ruok,srvr,stat,mntr,conf,cons,dump"
  echo "quorumListenOnAllIPs=true"
  if [ -n "${ZK_SERVERS:-}" ]; then
    i=1
    for host in $(echo "$ZK_SERVERS" | tr ',' ' '); do
      echo "server.$i=$host:2888:3888"
      i=$((i + 1))
    done
  fi
} >"$dir/zoo.cfg"
if [ -n "${ZK_SERVERS:-}" ]; then
  [ -n "${ZK_MYID:-}" ] || { echo "gomesos-zookeeper: ZK_MYID is required with ZK_SERVERS" >&2; exit 1; }
  echo "$ZK_MYID" >"$dir/data/myid"
fi
# zookeeper.jar's manifest names its dependencies; slf4j-simple logs to stderr.
exec java -Xms32m "-Xmx${ZK_HEAP:-128m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.net.preferIPv4Stack=true -Dzookeeper.admin.enableServer=false \
  -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
  -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg"
