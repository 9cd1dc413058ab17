package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// releaseVersion and releaseCommit are set by hack/release.sh at link time
// (-ldflags "-X github.com/podreach/podreach/internal/cli.releaseVersion=v1.2.3");
// they are never written at run time. Empty: the build info's module
// version and VCS revision (which a build with -buildvcs=false lacks).
var releaseVersion, releaseCommit string

// buildInfo is what `version -o json` prints.
type buildInfo struct {
	Version    string `json:"version"`              // release tag, module version or devel-<commit>
	Module     string `json:"module"`               // main module path
	Commit     string `json:"commit,omitempty"`     // VCS revision the binary was built from
	CommitTime string `json:"commitTime,omitempty"` // its commit time (RFC 3339)
	Modified   bool   `json:"modified,omitempty"`   // built from a tree with uncommitted changes
	GoVersion  string `json:"goVersion"`
	Platform   string `json:"platform"` // GOOS/GOARCH
}

func newVersionCmd(s Streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the podreach version",
		Long: `Print the podreach version: the release tag, the module version of a
"go install", or the VCS revision of a source build. With -o json, also the
commit, whether the tree was modified, the Go version and the platform, as
the Go toolchain recorded them in the binary (runtime/debug.ReadBuildInfo).`,
		Example: "  podreach version\n  podreach version -o json",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			bi := readBuildInfo()
			switch output {
			case "text":
				_, err := fmt.Fprintln(s.Out, "podreach", bi.Version)
				return err
			case "json":
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(bi)
			}
			return inputError(fmt.Errorf("-o: want text or json, got %q", output))
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

func readBuildInfo() buildInfo {
	out := buildInfo{Version: "(devel)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		out.Version = "(unknown)"
		return out
	}
	out.Module = bi.Main.Path
	out.GoVersion = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			out.Commit = s.Value
		case "vcs.time":
			out.CommitTime = s.Value
		case "vcs.modified":
			out.Modified = s.Value == "true"
		}
	}
	if releaseCommit != "" {
		out.Commit = releaseCommit
	}
	switch {
	case releaseVersion != "":
		out.Version = releaseVersion
	case bi.Main.Version != "" && bi.Main.Version != "(devel)":
		out.Version = bi.Main.Version
	case len(out.Commit) >= 12:
		out.Version = "devel-" + out.Commit[:12]
	}
	return out
}
