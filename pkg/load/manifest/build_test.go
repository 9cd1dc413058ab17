package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

func TestPolicyDefaults(t *testing.T) {
	t.Parallel()
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	ingress := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	both := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	egress := []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	tests := []struct {
		name string
		spec []string
		want networkingv1.NetworkPolicySpec
	}{
		{"policyTypes: default Ingress", []string{"podSelector: {}"},
			networkingv1.NetworkPolicySpec{PolicyTypes: ingress}},
		{"policyTypes: egress rules add Egress", []string{"egress: [{}]"},
			networkingv1.NetworkPolicySpec{PolicyTypes: both, Egress: []networkingv1.NetworkPolicyEgressRule{{}}}},
		{"policyTypes: egress: [] does not add Egress", []string{"egress: []"},
			networkingv1.NetworkPolicySpec{PolicyTypes: ingress}},
		{"policyTypes: explicit kept", []string{"policyTypes: [Egress]"},
			networkingv1.NetworkPolicySpec{PolicyTypes: egress}},
		{"ingress: [] equals omitted", []string{"ingress: []"},
			networkingv1.NetworkPolicySpec{PolicyTypes: ingress}},
		{"ingress: [] equals omitted with policyTypes", []string{"ingress: []", "policyTypes: [Ingress, Egress]", "egress: []"},
			networkingv1.NetworkPolicySpec{PolicyTypes: both}},
		{"from/ports: [] equal omitted", []string{"ingress: [{from: [], ports: []}]"},
			networkingv1.NetworkPolicySpec{PolicyTypes: ingress, Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}},
		{"protocol: defaults to TCP", []string{"ingress: [{ports: [{port: 80}, {protocol: UDP}]}]"},
			networkingv1.NetworkPolicySpec{PolicyTypes: ingress, Ingress: []networkingv1.NetworkPolicyIngressRule{{
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: ptr(intstr.FromInt32(80))}, {Protocol: &udp}},
			}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := decodeOK(t, policy(tt.spec...))
			if diff := cmp.Diff(tt.want, c.Policies[0].NetworkPolicy.Spec); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestNamespaces(t *testing.T) {
	t.Parallel()
	in := docs(
		obj("v1", "Namespace", "", "b", "  labels: {team: x}"),
		obj("v1", "ConfigMap", "", "cm"),
		obj("networking.k8s.io/v1", "NetworkPolicy", "a", "p"),
		obj("v1", "ConfigMap", "b", "cm"),
	)
	t.Run("implicit and declared namespaces get the name label", func(t *testing.T) {
		t.Parallel()
		c, _ := decodeOK(t, in)
		want := []model.Namespace{
			{Name: "a", Implicit: true, Labels: map[string]string{model.NamespaceNameLabel: "a"}},
			{Name: "b", Labels: map[string]string{"team": "x", model.NamespaceNameLabel: "b"}, Source: model.Source{File: "in.yaml", Line: 1}},
			{Name: "default", Implicit: true, Labels: map[string]string{model.NamespaceNameLabel: "default"}},
		}
		if diff := cmp.Diff(want, c.Namespaces); diff != "" {
			t.Errorf("namespaces (-want +got):\n%s", diff)
		}
	})
	t.Run("WithDefaultNamespace", func(t *testing.T) {
		t.Parallel()
		c, _ := decodeOK(t, in, WithDefaultNamespace("team"))
		if got := c.Objects[1]; got.Namespace != "team" || got.Name != "cm" {
			t.Errorf("object %s/%s, want team/cm", got.Namespace, got.Name)
		}
		if got := c.Namespaces[2]; got.Name != "team" || !got.Implicit {
			t.Errorf("namespace %+v, want implicit team", got)
		}
	})
}
