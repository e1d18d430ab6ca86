#!/usr/bin/env bash
# Post FILE as the pull request's change-review comment, or update it: one comment per pull
# request, found again by the hidden marker it starts with and by its author (this workflow's
# token), so later pushes edit it in place instead of adding more.
#
#   pr-comment.sh FILE      env: GH_REPO (owner/name), PR_NUMBER, GH_TOKEN (for gh)
set -euo pipefail

MARKER='<!-- hv-foundation:change-review -->'
AUTHOR=${COMMENT_AUTHOR:-github-actions[bot]}
# GitHub refuses comment bodies over 65536 characters; the job summary keeps the whole review.
LIMIT=65000

file=${1:?usage: $0 FILE}
: "${GH_REPO:?GH_REPO (owner/name) is not set}" "${PR_NUMBER:?PR_NUMBER is not set}"

body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
  echo "$MARKER"
  if [ "$(wc -c <"$file")" -gt "$LIMIT" ]; then
    head -c "$LIMIT" "$file"
    printf '\n\n…cut at %s characters: the whole review is in the job summary.\n' "$LIMIT"
  else
    cat "$file"
  fi
} >"$body"

existing=$(gh api --paginate "repos/$GH_REPO/issues/$PR_NUMBER/comments" \
  --jq ".[] | select(.user.login == \"$AUTHOR\" and (.body | startswith(\"$MARKER\"))) | .id" | head -n 1)
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GH_REPO/issues/comments/$existing" -F "body=@$body" --silent
  echo "updated comment $existing"
else
  gh api --method POST "repos/$GH_REPO/issues/$PR_NUMBER/comments" -F "body=@$body" --silent
  echo "posted a new comment"
fi
