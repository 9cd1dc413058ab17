package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// runAs runs the command line as the executable name (a path, as os.Args[0]).
func runAs(name, stdin string, args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := Run(context.Background(), name, args, Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return out.String(), errOut.String(), code
}

// TestKubectlPluginName: run as kubectl-podreach, usage and errors say
// "kubectl podreach"; the command's own name stays kubectl-podreach.
func TestKubectlPluginName(t *testing.T) {
	for _, tt := range []struct{ exe, use, display string }{
		{"/usr/local/bin/kubectl-podreach", "kubectl-podreach", "kubectl podreach"},
		{`C:\bin\kubectl-podreach.exe`, "kubectl-podreach", "kubectl podreach"},
		{"/usr/bin/podreach", "podreach", "podreach"},
		{"", "podreach", "podreach"},
	} {
		use, display := commandName(tt.exe)
		if use != tt.use || display != tt.display {
			t.Errorf("commandName(%q) = %q, %q; want %q, %q", tt.exe, use, display, tt.use, tt.display)
		}
	}
	out, _, _ := runAs("kubectl-podreach", "", "explain", "--help")
	if !strings.Contains(out, "\n  kubectl podreach explain --from SRC") || strings.Contains(out, "kubectl explain") {
		t.Errorf("explain --help usage does not say kubectl podreach explain:\n%s", out)
	}
	_, errOut, code := runAs("kubectl-podreach", "", "explain", "-f", "does-not-exist.yaml", "--from", "a/b", "--to", "c/d")
	if code != ExitInput || !strings.HasPrefix(errOut, "kubectl podreach: ") {
		t.Errorf("exit %d, stderr %q: want exit 2 and a \"kubectl podreach: \" prefix", code, errOut)
	}
}

// TestPluginCompletionNeverRegistersKubectl: every shell's script registers
// the plugin's executable, never kubectl (which would replace kubectl's
// own completion).
func TestPluginCompletionNeverRegistersKubectl(t *testing.T) {
	registers := map[string]*regexp.Regexp{
		"bash":       regexp.MustCompile(`complete -o default -F __start_(\S+) (\S+)`),
		"zsh":        regexp.MustCompile(`(?m)^#compdef (\S+)`),
		"fish":       regexp.MustCompile(`complete -c (\S+) `),
		"powershell": regexp.MustCompile(`Register-ArgumentCompleter -CommandName '([^']+)'`),
	}
	for shell, re := range registers {
		out, _, code := runAs("/opt/bin/kubectl-podreach", "", "completion", shell)
		m := re.FindStringSubmatch(out)
		if code != ExitOK || m == nil {
			t.Errorf("%s: exit %d, no registration found", shell, code)
			continue
		}
		if got := m[len(m)-1]; got != "kubectl-podreach" {
			t.Errorf("%s: registers %q, want kubectl-podreach", shell, got)
		}
	}
	out, _, code := runAs("kubectl-podreach", "", "completion", "kubectl-plugin")
	if code != ExitOK || !strings.HasPrefix(out, "#!/usr/bin/env sh\n") || !strings.Contains(out, `exec kubectl-podreach __complete "$@"`) {
		t.Errorf("kubectl_complete-podreach script: exit %d\n%s", code, out)
	}
}

// TestVersionJSON: version -o json reports what the toolchain recorded.
func TestVersionJSON(t *testing.T) {
	out, _, code := run(t, "", "version", "-o", "json")
	var bi buildInfo
	if code != ExitOK || json.Unmarshal([]byte(out), &bi) != nil {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if bi.GoVersion != runtime.Version() || bi.Platform != runtime.GOOS+"/"+runtime.GOARCH || bi.Version == "" {
		t.Errorf("build info %+v", bi)
	}
	text, _, _ := run(t, "", "version")
	if text != "podreach "+bi.Version+"\n" {
		t.Errorf("version text %q does not match JSON version %q", text, bi.Version)
	}
	if _, _, code := run(t, "", "version", "-o", "yaml"); code != ExitInput {
		t.Errorf("-o yaml: exit %d, want 2", code)
	}
}
