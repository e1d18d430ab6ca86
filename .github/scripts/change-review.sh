#!/usr/bin/env bash
# The change review of a pull request, offline: the base commit's preflight report is built in a
# `git worktree` of that commit, then this checkout runs against it (preflight --base/--markdown).
#
#   change-review.sh BASE_COMMIT OUT_DIR [STACK...]      (stacks default to: dev prod)
#
# Writes OUT_DIR/review.md (one section per stack) plus each stack's base report and logs. Both
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

python=$(realpath "${PYTHON:-.venv/bin/python}")
mkdir -p "$out"
out=$(realpath "$out")

if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  echo "change-review: base commit '$base' is not in this clone (check out with fetch-depth: 0)" >&2
  exit 2
fi
tree=$(mktemp -d)
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || true; rm -rf "$tree"' EXIT
git worktree add --detach --quiet "$tree" "$base"

# preflight exits 0 (passed) or 1 (mandatory violations) with a full report; 2 means no report.
run() {
  local log=$1 status=0
  shift
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -gt 1 ]; then
    echo "change-review: '$*' failed (exit $status):" >&2
    cat "$log" >&2
    exit 2
  fi
}

for stack in "${stacks[@]}"; do
  (cd "$tree" && run "$out/base-$stack.log" "$python" -m preflight --stack "$stack" --json "$out/base-$stack.json")
  run "$out/head-$stack.log" "$python" -m preflight --stack "$stack" \
    --base "$out/base-$stack.json" --markdown "$out/review-$stack.md"
done

{
  echo "# Change review against $(git rev-parse --short "$base")"
  for stack in "${stacks[@]}"; do
    echo
    echo "## Stack \`$stack\`"
    echo
    cat "$out/review-$stack.md"
  done
} >"$out/review.md"
