package manifest

import (
	"encoding/json"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

// This file reads Linkerd's authorization objects into
// model.Cluster.MeshPolicies: policy.linkerd.io Server, ServerAuthorization,
// AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication and
// HTTPRoute, and gateway.networking.k8s.io HTTPRoute and GRPCRoute (the
// routes that attach to a Server). Fields follow the CRDs of
// linkerd/linkerd2 charts/linkerd-crds and
// https://linkerd.io/2/reference/authorization-policy/. A version the CRDs
// do not serve keeps the object among the policies not evaluated, so the
// answers it could change say so.

const (
	groupLinkerdPolicy = "policy.linkerd.io"
	groupGateway       = "gateway.networking.k8s.io"
)

// linkerdVersions are the served versions of each kind read here.
func linkerdVersions(group, kind string) []string {
	switch {
	case group == groupLinkerdPolicy && kind == "Server":
		return []string{"v1beta3", "v1beta2", "v1beta1", "v1alpha1"}
	case group == groupLinkerdPolicy && kind == "ServerAuthorization":
		return []string{"v1beta1", "v1alpha1"}
	case group == groupLinkerdPolicy && (kind == "AuthorizationPolicy" || kind == "MeshTLSAuthentication" || kind == "NetworkAuthentication"):
		return []string{"v1alpha1"}
	case group == groupLinkerdPolicy && kind == "HTTPRoute":
		return []string{"v1beta3", "v1beta2", "v1beta1", "v1alpha1"}
	case group == groupGateway && kind == "HTTPRoute":
		return []string{"v1", "v1beta1", "v1alpha2"}
	case group == groupGateway && kind == "GRPCRoute":
		return []string{"v1", "v1alpha2"}
	}
	return nil
}

// linkerdHandler returns the handler of a kind read here; a version not
// served is kept as not evaluated.
func linkerdHandler(group, version, kind string) (handler, bool) {
	versions := linkerdVersions(group, kind)
	switch {
	case versions == nil:
		return nil, false
	case !slices.Contains(versions, version):
		return addUnevaluated, true
	}
	switch kind {
	case "Server":
		return addLinkerdServer, true
	case "ServerAuthorization":
		return addServerAuthorization, true
	case "AuthorizationPolicy":
		return addAuthorizationPolicy, true
	case "MeshTLSAuthentication":
		return addMeshTLS, true
	case "NetworkAuthentication":
		return addNetworkAuthentication, true
	}
	return addMeshRoute, true
}

// linkerdDecoder is decoderFor of the kinds of this file.
func linkerdDecoder(kind string) typedDecoder {
	switch kind {
	case "Server":
		return strictly[lServer]
	case "ServerAuthorization":
		return strictly[lServerAuthorization]
	case "AuthorizationPolicy":
		return strictly[lAuthorizationPolicy]
	case "MeshTLSAuthentication":
		return strictly[lMeshTLS]
	case "NetworkAuthentication":
		return strictly[lNetworkAuthentication]
	case "HTTPRoute", "GRPCRoute":
		return loosely[lRoute]
	}
	return nil
}

type lObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            json.RawMessage `json:"status,omitempty"`
}

type lServer struct {
	lObject
	Spec struct {
		PodSelector              *metav1.LabelSelector `json:"podSelector"`
		ExternalWorkloadSelector *metav1.LabelSelector `json:"externalWorkloadSelector"`
		Port                     *intstr.IntOrString   `json:"port"`
		ProxyProtocol            string                `json:"proxyProtocol"`
		AccessPolicy             string                `json:"accessPolicy"`
	} `json:"spec"`
}

type lNetwork struct {
	CIDR   string   `json:"cidr"`
	Except []string `json:"except"`
}

type lRef struct {
	Group     string `json:"group"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

type lServerAuthorization struct {
	lObject
	Spec struct {
		Server struct {
			Name     string                `json:"name"`
			Selector *metav1.LabelSelector `json:"selector"`
		} `json:"server"`
		Client struct {
			Networks        []lNetwork `json:"networks"`
			Unauthenticated bool       `json:"unauthenticated"`
			MeshTLS         *struct {
				UnauthenticatedTLS bool     `json:"unauthenticatedTLS"`
				Identities         []string `json:"identities"`
				ServiceAccounts    []lRef   `json:"serviceAccounts"`
			} `json:"meshTLS"`
		} `json:"client"`
	} `json:"spec"`
}

type lAuthorizationPolicy struct {
	lObject
	Spec struct {
		TargetRef                  lRef   `json:"targetRef"`
		RequiredAuthenticationRefs []lRef `json:"requiredAuthenticationRefs"`
	} `json:"spec"`
}

type lMeshTLS struct {
	lObject
	Spec struct {
		Identities   []string `json:"identities"`
		IdentityRefs []lRef   `json:"identityRefs"`
	} `json:"spec"`
}

type lNetworkAuthentication struct {
	lObject
	Spec struct {
		Networks []lNetwork `json:"networks"`
	} `json:"spec"`
}

type lRoute struct {
	lObject
	Spec struct {
		ParentRefs []lRef `json:"parentRefs"`
		Rules      []struct {
			Matches []struct {
				Path *struct {
					Type  string `json:"type"`
					Value string `json:"value"`
				} `json:"path"`
				Method json.RawMessage `json:"method"` // HTTP: a string; gRPC: {service, method}
			} `json:"matches"`
		} `json:"rules"`
	} `json:"spec"`
}

// putMesh stores p with the object's identity and metadata.
func putMesh(o *object, m *metav1.ObjectMeta, p model.MeshPolicy) {
	p.APIVersion, p.Kind, p.Namespace, p.Name = o.apiVersion, o.kind, m.Namespace, m.Name
	p.Labels, p.Created, p.Source = m.Labels, m.CreationTimestamp, o.source()
	o.b.put(o, &meshRecord{p})
}

// meshRecord is a Linkerd authorization object (Cluster.MeshPolicies).
type meshRecord struct{ p model.MeshPolicy }

func toRef(r lRef) model.MeshRef {
	return model.MeshRef{Group: r.Group, Kind: r.Kind, Name: r.Name, Namespace: r.Namespace}
}

func toRefs(rs []lRef) []model.MeshRef {
	var out []model.MeshRef
	for _, r := range rs {
		out = append(out, toRef(r))
	}
	return out
}
