#!/usr/bin/env bash
# Downloads the public data the repro scenarios read as `data:REL` (the Alibaba openb trace,
# Gavel's throughputs and traces) from their upstream repositories at pinned commits, checks each
# file's sha256 against scripts/data-manifest.tsv, and stores it as data/REL (ignored by git).
# Scenarios look for data: files in $HETSIM_DATA, then data/, then ../shared/data
# (docs/scenario-format.md, "Data files").
#
#   bash scripts/fetch-data.sh                 # download what is missing into data/
#   bash scripts/fetch-data.sh --from DIR      # copy from a local mirror instead (same layout)
#   options: --dest DIR (default: data/ of this checkout), --manifest FILE, --only PREFIX (e.g. openb/)
#
# A file already in place with the right checksum is kept. A file whose checksum differs is not
# installed: the script says which and exits 1. Exit 2: bad arguments or no downloader.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/scripts/data-manifest.tsv"
dest="$root/data"
from=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from="${2:-}"; shift 2 ;;
    --dest) dest="${2:-}"; shift 2 ;;
    --manifest) manifest="${2:-}"; shift 2 ;;
    --only) only="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "fetch-data.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -r "$manifest" ] || { echo "fetch-data.sh: cannot read the manifest '$manifest'" >&2; exit 2; }
[ -z "$from" ] || [ -d "$from" ] || { echo "fetch-data.sh: --from '$from' is not a directory" >&2; exit 2; }
get=""
if [ -z "$from" ]; then
  if command -v curl >/dev/null; then get="curl -fsSL --retry 3 -o"
  elif command -v wget >/dev/null; then get="wget -q -O"
  else echo "fetch-data.sh: neither curl nor wget is installed (or give --from DIR)" >&2; exit 2; fi
fi
sha() { sha256sum "$1" | cut -d' ' -f1; }

ok=0 fetched=0 failed=0
while IFS=$'\t' read -r rel sum url; do
  case "$rel" in ''|'#'*) continue ;; esac
  case "$rel" in "$only"*) ;; *) continue ;; esac
  if [ -z "$sum" ] || [ -z "$url" ] || [[ "$rel" == *..* ]] || [[ "$rel" == /* ]]; then
    echo "fetch-data.sh: $manifest: malformed line for '$rel'" >&2; failed=$((failed + 1)); continue
  fi
  target="$dest/$rel"
  if [ -f "$target" ] && [ "$(sha "$target")" = "$sum" ]; then ok=$((ok + 1)); continue; fi
  mkdir -p "$(dirname "$target")"
  part="$target.part.$$"
  if [ -n "$from" ]; then
    cp "$from/$rel" "$part" 2>/dev/null || { echo "fetch-data.sh: $rel: not in $from" >&2; rm -f "$part"; failed=$((failed + 1)); continue; }
  else
    $get "$part" "$url" || { echo "fetch-data.sh: $rel: download failed ($url)" >&2; rm -f "$part"; failed=$((failed + 1)); continue; }
  fi
  got="$(sha "$part")"
  if [ "$got" != "$sum" ]; then
    echo "fetch-data.sh: $rel: sha256 mismatch: expected $sum, got $got (${from:-$url}); not installed" >&2
    rm -f "$part"; failed=$((failed + 1)); continue
  fi
  mv -f "$part" "$target"
  fetched=$((fetched + 1))
done < "$manifest"
echo "fetch-data.sh: $fetched fetched, $ok already in place, $failed failed (in $dest)"
[ "$failed" -eq 0 ]
