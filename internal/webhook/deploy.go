package webhook

import (
	"encoding/base64"
	"fmt"
	"io"
	"text/template"
)

// Deployment says how to render the in-cluster manifests of the guard.
type Deployment struct {
	Namespace string // where the guard runs ("podreach")
	Image     string // the podreach image
	Mode      string // warn or enforce
	Certs     Certs  // empty: caBundle left for the user, no Secret
}

// Service is the guard Service's name; its DNS names are what the serving
// certificate must carry.
const Service = "podreach-guard"

// Hosts are the names the API server calls the guard by in namespace ns.
func Hosts(ns string) []string {
	return []string{Service + "." + ns + ".svc", Service + "." + ns + ".svc.cluster.local"}
}

// Render writes the manifests: namespace, service account, read-only RBAC
// (get/list/watch of exactly what the model reads), the serving Secret
// (when d.Certs has a key), Deployment (2 replicas, non-root, read-only
// root filesystem), Service and ValidatingWebhookConfiguration
// (timeoutSeconds 2, failurePolicy Ignore: a guard that is down never
// stops the cluster).
func Render(w io.Writer, d Deployment) error {
	t, err := template.New("guard").Parse(manifestTemplate)
	if err != nil {
		return fmt.Errorf("parsing the manifest template: %w", err)
	}
	data := struct {
		Deployment
		Service, CABundle, Cert, Key string
	}{Deployment: d, Service: Service}
	if len(d.Certs.CA) > 0 {
		data.CABundle = base64.StdEncoding.EncodeToString(d.Certs.CA)
		data.Cert = base64.StdEncoding.EncodeToString(d.Certs.Cert)
		data.Key = base64.StdEncoding.EncodeToString(d.Certs.Key)
	}
	if err := t.Execute(w, data); err != nil {
		return fmt.Errorf("rendering the manifests: %w", err)
	}
	return nil
}
