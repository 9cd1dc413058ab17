package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// Watch keeps what Read lists current with one shared informer per
// resource (list, then watch; read-only). client-go's reflectors list
// again after a watch error or an API-server restart ("410 Gone", a broken
// connection), so the objects recover without help.
//
// Once every informer has completed its first list, and then whenever
// objects changed (at most once per interval), Watch calls sync with fill,
// which adds every current object to a Sink (a fresh manifest.Builder) as
// served objects. It returns when ctx is done (nil), or the first error of
// sync or of starting.
//
// Memory: the informers' caches hold the current objects only (no
// history), without managedFields and kubectl's last-applied annotation.
func (c *Connection) Watch(ctx context.Context, interval time.Duration, sync func(fill func(Sink)) error, opts ...Option) error {
	o := makeOptions(opts)
	cfg, err := c.restConfig()
	if err != nil {
		return err
	}
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", cfg.Host, err)
	}
	dclient, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", cfg.Host, err)
	}
	disc := newDiscoverer(dclient)
	w := &watcher{origin: origin(c.Context()), changed: make(chan struct{}, 1)}
	for _, res := range resources {
		if res.optional && !disc.served(res) {
			o.logger.Info("not served: not watched", "resource", res.name())
			continue
		}
		w.add(dc, res, o)
	}
	for _, res := range disc.servedPolicies(o.logger, policyResources) {
		w.add(dc, res, o)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, inf := range w.informers {
		go inf.Run(ctx.Done())
	}
	if !cache.WaitForCacheSync(ctx.Done(), w.synced()...) {
		return ctx.Err()
	}
	o.logger.Info("first full list done", "resources", len(w.informers))
	return w.loop(ctx, interval, sync)
}

// policyResources are the policy kinds the model evaluates besides
// NetworkPolicy, each with the versions podreach reads, newest first: the
// cluster-wide tiers (docs/tiers.md) and Linkerd's authorization objects
// and the routes that attach to a Server (docs/linkerd-authz.md). Each is
// watched in its first version the API server serves (their CRDs are
// installed with the network plugin or Linkerd: often absent).
//
// A Linkerd authorization kind refused by RBAC is a Gap, and the Linkerd
// layer answers "cannot know" (unread_policy) where it matters. A tier kind
// served but refused everywhere is an error, as a required kind: every
// answer could depend on it, and no answer says so per connection yet.
var policyResources = [][]resource{
	required(policyResource("policy.networking.k8s.io", "clusternetworkpolicies", "ClusterNetworkPolicy", false, "v1alpha2")),
	required(policyResource("policy.networking.k8s.io", "adminnetworkpolicies", "AdminNetworkPolicy", false, "v1alpha1")),
	required(policyResource("policy.networking.k8s.io", "baselineadminnetworkpolicies", "BaselineAdminNetworkPolicy", false, "v1alpha1")),
	policyResource("policy.linkerd.io", "servers", "Server", true, "v1beta3", "v1beta2", "v1beta1", "v1alpha1"),
	policyResource("policy.linkerd.io", "serverauthorizations", "ServerAuthorization", true, "v1beta1", "v1alpha1"),
	policyResource("policy.linkerd.io", "authorizationpolicies", "AuthorizationPolicy", true, "v1alpha1"),
	policyResource("policy.linkerd.io", "meshtlsauthentications", "MeshTLSAuthentication", true, "v1alpha1"),
	policyResource("policy.linkerd.io", "networkauthentications", "NetworkAuthentication", true, "v1alpha1"),
	policyResource("policy.linkerd.io", "httproutes", "HTTPRoute", true, "v1beta3", "v1beta2", "v1beta1", "v1alpha1"),
	policyResource("gateway.networking.k8s.io", "httproutes", "HTTPRoute", true, "v1", "v1beta1", "v1alpha2"),
	policyResource("gateway.networking.k8s.io", "grpcroutes", "GRPCRoute", true, "v1", "v1alpha2"),
}

// readOnlyPolicies are policy kinds Read lists but Watch does not (yet):
// Linkerd's EgressNetwork (2.17+), which the model keeps as a policy it
// does not evaluate (required: refused everywhere, an error). The guard's
// RBAC and webhook rules (internal/webhook) do not grant it, and an
// informer refused its list would never sync.
var readOnlyPolicies = [][]resource{
	required(policyResource("policy.linkerd.io", "egressnetworks", "EgressNetwork", true, "v1alpha1")),
}

// required marks served kinds whose refusal is an error, not a Gap.
func required(alts []resource) []resource {
	for i := range alts {
		alts[i].optional = false
	}
	return alts
}

func policyResource(group, plural, kind string, namespaced bool, versions ...string) []resource {
	out := make([]resource, len(versions))
	for i, v := range versions {
		out[i] = resource{group: group, version: v, plural: plural, kind: kind, namespaced: namespaced, optional: true}
	}
	return out
}

// watcher is one Watch.
type watcher struct {
	origin    string
	informers []cache.SharedIndexInformer
	dirty     atomic.Bool
	changed   chan struct{}
}

func (w *watcher) add(dc dynamic.Interface, res resource, o options) {
	gvr := schema.GroupVersionResource{Group: res.group, Version: res.version, Resource: res.plural}
	tweak := func(lo *metav1.ListOptions) { lo.FieldSelector = res.fieldSelector }
	inf := dynamicinformer.NewFilteredDynamicInformer(dc, gvr, "", 0, cache.Indexers{}, tweak).Informer()
	inf.SetTransform(func(obj any) (any, error) { return trim(obj, res), nil })
	inf.SetWatchErrorHandler(func(_ *cache.Reflector, err error) {
		o.logger.Warn("watch error: listing again", "resource", res.name(), "error", err.Error())
	})
	mark := func(any) { w.mark() }
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: mark, DeleteFunc: mark,
		UpdateFunc: func(any, any) { w.mark() }})
	w.informers = append(w.informers, inf)
}

// trim drops what the model never reads and costs memory, and sets the
// apiVersion and kind list items may be served without.
func trim(obj any, res resource) any {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return obj
	}
	u.SetManagedFields(nil)
	if a := u.GetAnnotations(); a != nil {
		delete(a, "kubectl.kubernetes.io/last-applied-configuration")
		u.SetAnnotations(a)
	}
	if u.GetKind() == "" {
		u.SetAPIVersion(res.apiVersion())
		u.SetKind(res.kind)
	}
	return u
}

func (w *watcher) mark() {
	w.dirty.Store(true)
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

func (w *watcher) synced() []cache.InformerSynced {
	out := make([]cache.InformerSynced, len(w.informers))
	for i, inf := range w.informers {
		out[i] = inf.HasSynced
	}
	return out
}

// loop syncs once, then after every change, at most once per interval.
func (w *watcher) loop(ctx context.Context, interval time.Duration, sync func(fill func(Sink)) error) error {
	for {
		w.dirty.Store(false)
		if err := sync(w.fill); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
		for !w.dirty.Load() {
			select {
			case <-ctx.Done():
				return nil
			case <-w.changed:
			}
		}
	}
}

// fill adds every cached object to b, one stream per resource.
func (w *watcher) fill(b Sink) {
	var buf bytes.Buffer
	for _, inf := range w.informers {
		buf.Reset()
		for _, obj := range inf.GetStore().List() {
			data, err := json.Marshal(obj)
			if err != nil { // an unstructured object decoded from JSON: cannot fail
				continue
			}
			buf.Write(data)
			buf.WriteByte('\n')
		}
		if buf.Len() > 0 {
			b.DecodeServed(w.origin, bytes.Clone(buf.Bytes()))
		}
	}
}
