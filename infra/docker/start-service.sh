#!/bin/sh
# The image's entry point: runs the service PACKETFLOW_SERVICE names, as PID 1's only child (tini is PID 1), so
# SIGTERM reaches the node itself and it leaves the cluster before it exits.
set -eu
app=$(cd "$(dirname "$0")/../.." && pwd)
case "${PACKETFLOW_SERVICE:-}" in
  gateway) main="$app/gateway/dist/src/main.js" ;;
  game-logic | physics | player-store) main="$app/services/$PACKETFLOW_SERVICE/dist/src/main.js" ;;
  *)
    echo "PACKETFLOW_SERVICE=\"${PACKETFLOW_SERVICE:-}\": expected gateway, game-logic, physics or player-store" >&2
    exit 64
    ;;
esac
exec node "$main"
