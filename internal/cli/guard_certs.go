package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/webhook"
	"github.com/podreach/podreach/pkg/guard"
)

type guardCertsFlags struct {
	namespace string
	image     string
	mode      string
	out       string
	validity  time.Duration
}

func newGuardCertsCmd(s Streams) *cobra.Command {
	f := &guardCertsFlags{}
	cmd := &cobra.Command{
		Use:   "certs --out DIR",
		Short: "Write a self-signed CA, the guard's serving certificate and its manifests",
		Long: `Certs writes, into --out, a new self-signed CA (ca.crt), a serving
certificate for the guard's Service signed by it (tls.crt, tls.key), and
guard.yaml: the manifests of deploy/guard/ with the CA in the webhook's
caBundle and the pair in a Secret. Nothing is sent to a cluster: review and
apply guard.yaml with kubectl. Keys are ECDSA P-256; tls.key and guard.yaml
(which holds it) are written readable by their owner only.`,
		Example: `  podreach guard certs --out guard/ --image registry.example/podreach:v1
  kubectl apply -f guard/guard.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGuardCerts(s, f) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.namespace, "namespace", "n", "podreach", "namespace the guard runs in")
	fl.StringVar(&f.image, "image", "ghcr.io/podreach/podreach:latest", "the podreach container image (go run ./hack/image builds it; docs/guard.md)")
	fl.StringVar(&f.mode, "mode", "warn", "the guard's --mode: warn or enforce")
	fl.StringVar(&f.out, "out", "", "directory to write into (required; created if missing)")
	fl.DurationVar(&f.validity, "validity", 365*24*time.Hour, "how long the CA and certificate are valid")
	return cmd
}

func runGuardCerts(s Streams, f *guardCertsFlags) error {
	if f.out == "" {
		return inputError(fmt.Errorf("--out is required"))
	}
	if _, err := guard.ParseMode(f.mode); err != nil {
		return inputError(fmt.Errorf("--mode: %w", err))
	}
	if f.validity <= 0 {
		return inputError(fmt.Errorf("--validity: want a positive duration, got %s", f.validity))
	}
	certs, err := webhook.NewCerts(webhook.Hosts(f.namespace), f.validity)
	if err != nil {
		return err
	}
	var manifests bytes.Buffer
	if err := webhook.Render(&manifests, webhook.Deployment{Namespace: f.namespace, Image: f.image, Mode: f.mode, Certs: certs}); err != nil {
		return err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return inputError(fmt.Errorf("--out: %w", err))
	}
	for _, file := range []struct {
		name string
		data []byte
		perm os.FileMode
	}{{"ca.crt", certs.CA, 0o644}, {"tls.crt", certs.Cert, 0o644}, {"tls.key", certs.Key, 0o600}, {"guard.yaml", manifests.Bytes(), 0o600}} {
		path := filepath.Join(f.out, file.name)
		if err := os.WriteFile(path, file.data, file.perm); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Fprintln(s.Out, path)
	}
	return nil
}
