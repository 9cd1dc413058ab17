#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd the live-cluster tests run against,
# from the Go module proxy (no other downloads are possible here), into a
# cache keyed by version; a second run finds them and does nothing.
#
#   hack/testbins.sh            # prints the directory holding kube-apiserver and etcd
#
# Recipe: build k8s.io/kubernetes/cmd/kube-apiserver from the module proxy,
# with its staging modules (k8s.io/api, apimachinery, client-go, …) replaced
# by the published v0.X.Y versions, and go.etcd.io/etcd/server's etcd
# (~950 CPU-seconds cold).
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.37.2}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
CACHE=${PODREACH_TESTBINS:-$HOME/.cache/podreach-test}
OUT=$CACHE/k8s-$K8S_VERSION-etcd-$ETCD_VERSION
mkdir -p "$OUT"

staging_version=v0.${K8S_VERSION#v1.}
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}

build_apiserver() {
  local dir=$CACHE/build/kube-$K8S_VERSION
  mkdir -p "$dir" && cd "$dir"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
  grep '=> ./staging' "$gomod" | awk '{print $1}' | grep -v -e sample-cli-plugin -e sample-controller > staging.txt
  {
    printf 'module podreach.local/kube-build\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    while read -r m; do printf '\t%s => %s %s\n' "$m" "$m" "$staging_version"; done < staging.txt
    printf ')\n'
  } > go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' > tools.go
  go mod tidy
  local ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=2026-01-01T00:00:00Z"
  done
  go build -ldflags "$ldf" -o "$OUT/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$OUT/kube-apiserver.tmp" "$OUT/kube-apiserver"
}

build_etcd() {
  local dir=$CACHE/build/etcd-$ETCD_VERSION
  mkdir -p "$dir" && cd "$dir"
  printf 'module podreach.local/etcd-build\n\ngo 1.26.0\n' > go.mod
  cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  go mod tidy
  go build -ldflags '-s -w' -o "$OUT/etcd.tmp" .
  mv "$OUT/etcd.tmp" "$OUT/etcd"
}

# Read the versions first: with pipefail, `etcd --version | grep -q` fails
# when grep exits before etcd finishes writing (SIGPIPE).
have_apiserver=$("$OUT/kube-apiserver" --version 2>/dev/null || true)
have_etcd=$("$OUT/etcd" --version 2>/dev/null || true)
if [[ "$have_apiserver" != *"$K8S_VERSION"* ]]; then
  echo "building kube-apiserver $K8S_VERSION (cold: ~950 CPU-seconds; cached afterwards)" >&2
  (build_apiserver) >&2
fi
if [[ "$have_etcd" != *"${ETCD_VERSION#v}"* ]]; then
  echo "building etcd $ETCD_VERSION" >&2
  (build_etcd) >&2
fi
echo "$OUT"
