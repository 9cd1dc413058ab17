#!/usr/bin/env bash
# Release builds: hack/release.sh VERSION [OS/ARCH ...]
#
# Cross-builds podreach and kubectl-podreach (CGO_ENABLED=0, -trimpath, the
# version and commit linked in) for each target (default: linux, darwin and
# windows on amd64 and arm64), packs each binary with LICENSE (and README.md,
# or the kubectl_complete-podreach helper for the plugin) into a .tar.gz
# (.zip on windows) whose bytes depend only on the sources, writes
# SHA256SUMS, and renders the krew manifest deploy/krew/podreach.yaml with
# the archives' sha256 into podreach.yaml. Output: dist/VERSION/ (or
# $DIST_DIR). The archives are reproducible: same sources, same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: hack/release.sh VERSION [OS/ARCH ...]}
shift
case "$version" in
v[0-9]*) ;;
*) echo "release.sh: VERSION must look like v1.2.3, got $version" >&2; exit 2 ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
dist=${DIST_DIR:-dist/$version}
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# Archive timestamps: the commit's time, so archives are reproducible.
epoch=$(git log -1 --format=%ct 2>/dev/null || echo 0)
pkg=github.com/podreach/podreach/internal/cli
ldflags="-s -w -X $pkg.releaseVersion=$version -X $pkg.releaseCommit=$commit"

rm -rf "$dist"
mkdir -p "$dist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# pack DIR NAME: archive the files of DIR as $dist/NAME.tar.gz or .zip.
pack() {
  local dir=$1 name=$2 os=$3
  find "$dir" -exec touch -h -d "@$epoch" {} +
  if [ "$os" = windows ]; then
    (cd "$dir" && TZ=UTC zip -q -X -D "$OLDPWD/$dist/$name.zip" $(ls | LC_ALL=C sort))
  else
    tar -C "$dir" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - . | gzip -n -9 >"$dist/$name.tar.gz"
  fi
}

for target in "${targets[@]}"; do
  os=${target%/*} arch=${target#*/}
  ext=""
  [ "$os" = windows ] && ext=.exe
  for bin in podreach kubectl-podreach; do
    dir="$stage/${bin}_${os}_${arch}"
    mkdir -p "$dir"
    CGO_ENABLED=0 GOOS=$os GOARCH=$arch GOFLAGS=-buildvcs=false \
      go build -trimpath -ldflags "$ldflags" -o "$dir/$bin$ext" "./cmd/$bin"
    cp LICENSE "$dir/"
    if [ "$bin" = podreach ]; then
      cp README.md "$dir/"
    else
      printf '#!/usr/bin/env sh\n# kubectl_complete-podreach: put on PATH (executable) so that kubectl 1.26+\n# completes "kubectl podreach ...".\nexec kubectl-podreach __complete "$@"\n' >"$dir/kubectl_complete-podreach"
      chmod +x "$dir/kubectl_complete-podreach"
    fi
    pack "$dir" "${bin}_${version}_${os}_${arch}" "$os"
  done
  echo "built $os/$arch" >&2
done

shopt -s nullglob
(cd "$dist" && archives=(*.tar.gz *.zip) && sha256sum -- "${archives[@]}" | LC_ALL=C sort -k2 >SHA256SUMS)

# The krew manifest: the template without its header comment, only the
# platforms built, each with its archive's sha256.
awk -v version="$version" -v sums="$dist/SHA256SUMS" '
  BEGIN {
    while ((getline line < sums) > 0) {
      split(line, f, /  /)
      prefix = "kubectl-podreach_" version "_"
      if (index(f[2], prefix) == 1) {
        platform = substr(f[2], length(prefix) + 1)
        sub(/\.(tar\.gz|zip)$/, "", platform)
        sha[platform] = f[1]
      }
    }
    print "# krew plugin manifest for kubectl podreach " version ", rendered by hack/release.sh"
  }
  /^#/ && !started { next }
  { started = 1 }
  /^  - selector:/ { flush(); inplat = 1 }
  inplat { block = block $0 "\n"; if ($0 ~ /matchLabels/) { match($0, /os: [a-z]+/); os = substr($0, RSTART + 4, RLENGTH - 4); match($0, /arch: [a-z0-9]+/); arch = substr($0, RSTART + 6, RLENGTH - 6) } ; next }
  { gsub(/\{\{VERSION\}\}/, version); print }
  function flush() {
    if (block != "" && ((os "_" arch) in sha)) {
      gsub(/\{\{VERSION\}\}/, version, block)
      gsub("\\{\\{SHA256_" os "_" arch "\\}\\}", sha[os "_" arch], block)
      printf "%s", block
    }
    block = ""
  }
  END { flush() }
' deploy/krew/podreach.yaml >"$dist/podreach.yaml"
if grep -q '{{' "$dist/podreach.yaml"; then
  echo "release.sh: placeholders left in $dist/podreach.yaml" >&2
  exit 1
fi
echo "$dist" 
