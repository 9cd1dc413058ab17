package live

import (
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// newClient returns a REST client for raw JSON list requests by absolute
// path. Its scheme knows only metav1 (for Status errors): objects are
// decoded by the manifest builder, not here.
func newClient(cfg *rest.Config) (rest.Interface, error) {
	scheme := runtime.NewScheme()
	gv := schema.GroupVersion{Version: "v1"}
	metav1.AddToGroupVersion(scheme, gv)
	c := rest.CopyConfig(cfg)
	c.GroupVersion = &gv
	c.APIPath = "/api"
	c.NegotiatedSerializer = serializer.NewCodecFactory(scheme).WithoutConversion()
	c.ContentType = runtime.ContentTypeJSON
	return rest.RESTClientFor(c)
}

// warningSink collects the API server's warning headers (deprecations) so
// they become diagnostics instead of lines client-go prints.
type warningSink struct {
	mu   sync.Mutex
	msgs []string
	seen map[string]bool
}

func (w *warningSink) HandleWarningHeader(code int, agent, text string) {
	if code != 299 || text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	if !w.seen[text] {
		w.seen[text] = true
		w.msgs = append(w.msgs, text)
	}
}

func (w *warningSink) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.msgs
}
