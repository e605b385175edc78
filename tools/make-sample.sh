#!/usr/bin/env bash
# Recreates data/en-2k-384d.vec.gz from the shared table: header + the first 2,000 rows.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$here/../shared/data/en-19k-384d.vec.gz}
{ echo "2000 384"; gzip -dc "$src" | sed -n '2,2001p'; } | gzip -9n > "$here/data/en-2k-384d.vec.gz"
