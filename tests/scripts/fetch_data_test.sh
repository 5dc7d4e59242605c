#!/usr/bin/env bash
# scripts/fetch-data.sh against a local mirror of self-made files (no network): installs what the
# manifest lists with the right checksum, keeps what is in place, refuses a file whose checksum
# differs (exit 1, nothing installed), and exits 2 on bad arguments.
set -u
root="$(cd "$(dirname "$0")/../.." && pwd)"
fetch="$root/scripts/fetch-data.sh"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$t/mirror/a" "$t/mirror/b"
printf 'node,gpu\nn1,8\n' > "$t/mirror/a/nodes.csv"
printf '{"x": 1}\n' > "$t/mirror/b/rates.json"
sum() { sha256sum "$1" | cut -d' ' -f1; }
{
  echo "# a test manifest"
  printf 'a/nodes.csv\t%s\thttps://example.invalid/nodes.csv\n' "$(sum "$t/mirror/a/nodes.csv")"
  printf 'b/rates.json\t%s\thttps://example.invalid/rates.json\n' "$(sum "$t/mirror/b/rates.json")"
} > "$t/manifest.tsv"

out="$(bash "$fetch" --from "$t/mirror" --dest "$t/data" --manifest "$t/manifest.tsv" 2>&1)" || fail "a good mirror: $out"
[[ "$out" == *"2 fetched, 0 already in place, 0 failed"* ]] || fail "counts: $out"
cmp -s "$t/mirror/a/nodes.csv" "$t/data/a/nodes.csv" || fail "nodes.csv not installed"
out="$(bash "$fetch" --from "$t/mirror" --dest "$t/data" --manifest "$t/manifest.tsv" 2>&1)" || fail "rerun: $out"
[[ "$out" == *"0 fetched, 2 already in place"* ]] || fail "a second run fetches again: $out"

# --only takes one prefix.
out="$(bash "$fetch" --from "$t/mirror" --dest "$t/only" --manifest "$t/manifest.tsv" --only b/ 2>&1)" || fail "--only: $out"
[ -f "$t/only/b/rates.json" ] && [ ! -e "$t/only/a" ] || fail "--only b/ installed more than b/"

# A file whose checksum differs is refused, and an installed file that changed is replaced only by
# a good copy.
printf 'node,gpu\nn1,4\n' > "$t/mirror/a/nodes.csv"
out="$(bash "$fetch" --from "$t/mirror" --dest "$t/bad" --manifest "$t/manifest.tsv" 2>&1)"
[ $? -eq 1 ] || fail "a corrupt file must exit 1: $out"
[[ "$out" == *"a/nodes.csv: sha256 mismatch: expected"* ]] || fail "no mismatch message: $out"
[ ! -e "$t/bad/a/nodes.csv" ] || fail "a corrupt file was installed"
ls "$t/bad/a" | grep -q part && fail "a partial file was left behind"
[ -f "$t/bad/b/rates.json" ] || fail "the good file was not installed beside the bad one"

# Missing from the mirror, bad arguments.
rm "$t/mirror/b/rates.json"
out="$(bash "$fetch" --from "$t/mirror" --dest "$t/miss" --manifest "$t/manifest.tsv" --only b/ 2>&1)"
[ $? -eq 1 ] && [[ "$out" == *"b/rates.json: not in"* ]] || fail "a file missing from the mirror: $out"
bash "$fetch" --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "an unknown argument must exit 2"
bash "$fetch" --from "$t/nowhere" >/dev/null 2>&1; [ $? -eq 2 ] || fail "a missing --from must exit 2"
bash "$fetch" --manifest "$t/nowhere.tsv" >/dev/null 2>&1; [ $? -eq 2 ] || fail "a missing manifest must exit 2"

# The real manifest: every line well formed, pinned to a 40-hex commit.
while IFS=$'\t' read -r rel s url; do
  case "$rel" in ''|'#'*) continue ;; esac
  [[ "$s" =~ ^[0-9a-f]{64}$ ]] || fail "manifest: bad sha256 for $rel"
  [[ "$url" =~ ^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/ ]] || fail "manifest: $rel is not pinned: $url"
done < "$root/scripts/data-manifest.tsv"
# Against the real data where a copy sits beside the checkout (../shared/data): every file of the
# manifest is there with its checksum. Skipped without it.
if [ -d "$root/../shared/data" ]; then
  out="$(bash "$fetch" --from "$root/../shared/data" --dest "$t/real" 2>&1)" || fail "the manifest against ../shared/data: $out"
else
  echo "(no ../shared/data: the real manifest's checksums are not checked against a copy)"
fi
echo "fetch-data.sh: all checks passed"
