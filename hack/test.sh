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

echo "== staticcheck"
# Pinned to the newest release that builds with this Go; installed from the
# module proxy into GOBIN the first time (~1 min), then found there.
STATICCHECK_VERSION=v0.8.2
staticcheck=$(go env GOPATH)/bin/staticcheck
if ! "$staticcheck" -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
  go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
"$staticcheck" ./...

echo "== test binaries: kube-apiserver and etcd for test/e2e (built once, then cached)"
# PODREACH_TESTBINS may already name the directory (as hack/testbins.sh
# prints it); otherwise build or find it. Without it, test/e2e fails under
# CI=true and skips loudly elsewhere.
if [ ! -x "${PODREACH_TESTBINS:-/nonexistent}/kube-apiserver" ]; then
  start=$SECONDS
  PODREACH_TESTBINS=$(hack/testbins.sh)
  echo "test binaries in $PODREACH_TESTBINS ($((SECONDS - start)) s)"
fi
export PODREACH_TESTBINS

echo "== packet lab tools: nft (nftables) and ip (iproute2) for internal/lab/e2e; chromium for test/browser"
# The lab tests need root, nft and ip; the browser tests need Debian's
# chromium (~85 s and 500 MB the first time); under CI=true they fail without
# them. Install what is missing with one apt-get update (idempotent: nothing
# happens when all are there).
missing=""
command -v nft >/dev/null 2>&1 || missing="$missing nftables"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  start=$SECONDS
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  echo "installed$missing ($((SECONDS - start)) s)"
fi

echo "== go test (every test, including the slow differential and e2e ones)"
go test -count=1 -timeout 45m ./...

echo "== go test -race -short (the race detector over the fast tests)"
go test -race -short -count=1 -timeout 30m ./...
