package image

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// versionPackage holds the version and commit `podreach version` prints.
const versionPackage = "github.com/podreach/podreach/internal/cli"

// BuildBinary builds ./cmd/podreach of the module in dir for linux/arch,
// statically (CGO_ENABLED=0), reproducibly (-trimpath, no VCS stamping:
// the version and commit are linked in as hack/release.sh does), and
// returns it.
func BuildBinary(ctx context.Context, dir, arch, version, commit string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "podreach-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "podreach")
	ldflags := fmt.Sprintf("-s -w -X %s.releaseVersion=%s -X %s.releaseCommit=%s", versionPackage, version, versionPackage, commit)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, "./cmd/podreach")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/podreach (GOARCH=%s): %w\n%s", arch, err, strings.TrimSpace(stderr.String()))
	}
	return os.ReadFile(out)
}
