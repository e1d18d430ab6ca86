#!/usr/bin/env bash
# The change review of a pull request, offline: the base commit's preflight report is built in a
# `git worktree` of that commit, then this checkout runs against it (preflight --base/--markdown).
#
#   change-review.sh BASE_COMMIT OUT_DIR [STACK...]      (stacks default to: dev prod)
#
# Writes OUT_DIR/review.md (each stack's review in turn) plus each stack's base report and logs. Both
# sides run with this checkout's interpreter ($PYTHON, default .venv/bin/python): the base only
# differs in the program, its stack configs and its policy pack, which is what is being compared.
# Exit 0 when review.md was written (violations are the offline gate's business, not this one's);
# 2 when a side could not be built at all, with its log on stderr.
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 BASE_COMMIT OUT_DIR [STACK...]" >&2
  exit 2
fi
base=$1
out=$2
shift 2
stacks=("$@")
[ "${#stacks[@]}" -gt 0 ] || stacks=(dev prod)

# Absolute, but not resolved: a venv's python is a symlink whose target knows nothing of the venv.
python=${PYTHON:-.venv/bin/python}
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
mkdir -p "$out"
out=$(realpath "$out")

if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  echo "change-review: base commit '$base' is not in this clone (check out with fetch-depth: 0)" >&2
  exit 2
fi
tree=$(mktemp -d)
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || true; rm -rf "$tree"' EXIT
git worktree add --detach --quiet "$tree" "$base"

# preflight exits 0 (passed) or 1 (mandatory violations) with a full report, 2 without one; a
# crash also exits 1, so the report file it was asked for is what says it ran.
run() {
  local log=$1 report=$2 status=0
  shift 2
  rm -f "$report"
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -gt 1 ] || [ ! -s "$report" ]; then
    echo "change-review: '$*' failed (exit $status, no $(basename "$report")):" >&2
    cat "$log" >&2
    exit 2
  fi
}

for stack in "${stacks[@]}"; do
  (cd "$tree" && run "$out/base-$stack.log" "$out/base-$stack.json" \
    "$python" -m preflight --stack "$stack" --json "$out/base-$stack.json")
  run "$out/head-$stack.log" "$out/review-$stack.md" \
    "$python" -m preflight --stack "$stack" --base "$out/base-$stack.json" --markdown "$out/review-$stack.md"
done

{
  echo "# Change review against $(git rev-parse --short "$base")"
  for stack in "${stacks[@]}"; do  # each review's own heading names its stack
    echo
    cat "$out/review-$stack.md"
  done
} >"$out/review.md"
