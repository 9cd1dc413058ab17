package manifest

import (
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// This file checks object metadata as ValidateObjectMeta
// (k8s.io/apimachinery/pkg/api/validation/objectmeta.go) does with each
// kind's name function. A name the API server refuses — upper case, a
// newline, a control character, '/', a non-ASCII look-alike — cannot name an
// object in a cluster, and interpolated into output it could forge lines or
// documents: it is an input error.

// nameRule returns the name validation the API applies to kind, and what
// it is called in messages.
func nameRule(kind string) apivalidation.ValidateNameFunc {
	switch kind {
	case "Namespace":
		// ValidateNamespaceName: a DNS-1123 label.
		return apivalidation.ValidateNamespaceName
	case "Service":
		// ValidateServiceName: a DNS-1035 label (it becomes a DNS name,
		// which may not start with a digit).
		return apivalidation.NameIsDNS1035Label
	case "StatefulSet":
		// ValidateStatefulSetName: a DNS-1123 label (pods are named
		// <name>-<ordinal> and carry it in a label).
		return apivalidation.NameIsDNSLabel
	case "CronJob":
		return cronJobName
	case "APIService":
		// ValidateAPIService: a path segment (content.IsPathSegmentName) (the name must be
		// version.group, which this loader does not read).
		return func(name string, _ bool) []string { return content.IsPathSegmentName(name) }
	}
	// Pods, Deployments, ReplicaSets, DaemonSets, ReplicationControllers,
	// Jobs, ConfigMaps, NetworkPolicies, webhook configurations: a DNS-1123
	// subdomain.
	return apivalidation.NameIsDNSSubdomain
}

// cronJobName: ValidateCronJobCreate: "must be no more than 52 characters"
// (a Job's name is the CronJob's plus 11 characters, and it must fit a
// label value), and a DNS-1123 subdomain.
func cronJobName(name string, prefix bool) []string {
	msgs := apivalidation.NameIsDNSSubdomain(name, prefix)
	if !prefix && len(name) > validation.DNS1035LabelMaxLength-11 {
		msgs = append(msgs, "must be no more than 52 characters")
	}
	return msgs
}

// validName reports, without regular expressions, whether name is
// certainly valid under nameRule(kind): lower-case alphanumerics and '-'
// (and '.' between labels of a subdomain), starting and ending with an
// alphanumeric, within the length limit. When it is not, the rule itself
// decides (and says why).
func validName(kind, name string) bool {
	limit, dots := validation.DNS1123SubdomainMaxLength, true
	switch kind {
	case "Namespace", "StatefulSet", "Service":
		limit, dots = validation.DNS1123LabelMaxLength, false
	case "CronJob":
		limit = validation.DNS1035LabelMaxLength - 11
	case "APIService":
		return false
	}
	if name == "" || len(name) > limit || !alnum(name[0]) || !alnum(name[len(name)-1]) ||
		kind == "Service" && !('a' <= name[0] && name[0] <= 'z') {
		return false
	}
	for i := 1; i < len(name)-1; i++ {
		switch c := name[i]; {
		case alnum(c) || c == '-' && name[i-1] != '.' && name[i+1] != '.':
		case c == '.' && dots && alnum(name[i-1]) && alnum(name[i+1]):
		default:
			return false
		}
	}
	return true
}

func alnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// validateMeta checks what ValidateObjectMeta checks on creation: a name
// or a generateName, each valid for the kind (generateName as a prefix);
// the namespace; labels; annotations. (ownerReferences are not checked:
// podreach matches owners by kind and name, never by uid.) generated says the
// object had only a generateName (the API server would name it).
func validateMeta(o *object, m *metav1.ObjectMeta, generated bool) {
	rule := nameRule(o.kind)
	if m.GenerateName != "" {
		if msgs := rule(m.GenerateName, true); len(msgs) > 0 {
			o.name = escaped(o.name)
			o.errorf("metadata.generateName", "invalid generateName %+q: %s", m.GenerateName, strings.Join(msgs, "; "))
		}
	}
	switch {
	case m.Name == "":
		o.errorf("metadata.name", "required (name or generateName)")
	case !generated && !validName(o.kind, m.Name):
		if msgs := rule(m.Name, false); len(msgs) > 0 {
			o.name = escaped(o.name)
			o.errorf("metadata.name", "invalid name %+q: %s", m.Name, strings.Join(msgs, "; "))
		}
	}
	if m.Namespace != "" {
		validateNamespaceName(o, "metadata.namespace", m.Namespace)
	}
	validateLabels(o, "metadata.labels", m.Labels)
	validateAnnotations(o, "metadata.annotations", m.Annotations)
}

// escaped is s, quoted as a Go string when it holds anything but
// printable ASCII other than '"' and '\\': diagnostics about an object whose
// name is refused name it so, and cannot carry a newline or a control
// sequence to a terminal or a log.
func escaped(s string) string {
	if q := strconv.QuoteToASCII(s); q[1:len(q)-1] != s {
		return q
	}
	return s
}

// validateLabels: ValidateLabels (k8s.io/apimachinery/pkg/apis/meta/v1/validation):
// keys are qualified names ([prefix/]name, the prefix a DNS subdomain, the
// name at most 63 characters); values are empty or at most 63
// alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric.
func validateLabels(o *object, path string, labels map[string]string) {
	var bad []string
	for k, v := range labels {
		if !o.b.validKey(k, labelKey) || !o.b.validKey(v, labelValue) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	for _, k := range bad {
		kpath := childPath(path, k)
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			o.errorf(kpath, "invalid label key %q: %s", k, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsValidLabelValue(labels[k]); len(msgs) > 0 {
			o.errorf(kpath, "invalid label value %q: %s", labels[k], strings.Join(msgs, "; "))
		}
	}
}

func validateNamespaceName(o *object, path, name string) {
	if validName("Namespace", name) {
		return
	}
	if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
		o.namespace = escaped(o.namespace)
		o.errorf(path, "invalid namespace name %+q: %s", name, strings.Join(msgs, "; "))
	}
}

// validateAnnotations: ValidateAnnotations: keys are qualified names
// (compared in lower case) and "annotations size ... is larger than limit"
// 256 KiB (TotalAnnotationSizeLimitB), keys and values together.
func validateAnnotations(o *object, path string, annotations map[string]string) {
	size := 0
	var bad []string
	for k, v := range annotations {
		size += len(k) + len(v)
		if !o.b.validKey(k, annotationKey) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	for _, k := range bad {
		o.errorf(childPath(path, k), "invalid annotation key %q: %s", k,
			strings.Join(validation.IsQualifiedName(strings.ToLower(k)), "; "))
	}
	if size > apivalidation.TotalAnnotationSizeLimitB {
		o.errorf(path, "Too long: may not be more than %d bytes (the annotations take %d)", apivalidation.TotalAnnotationSizeLimitB, size)
	}
}

// What a string is known to be valid as (builder.valid).
const (
	labelKey      = 1
	labelValue    = 2
	annotationKey = 4
)

// validKey reports whether s is valid as what (labelKey, labelValue,
// annotationKey), remembering the strings that are (a cluster repeats a few
// keys and values on thousands of objects, and the checks run regular
// expressions).
func (b *builder) validKey(s string, what uint8) bool {
	if b.valid == nil {
		b.valid = map[string]uint8{}
	}
	if b.valid[s]&what != 0 {
		return true
	}
	var msgs []string
	switch what {
	case labelKey:
		msgs = validation.IsQualifiedName(s)
	case labelValue:
		msgs = validation.IsValidLabelValue(s)
	default:
		msgs = validation.IsQualifiedName(strings.ToLower(s))
	}
	if len(msgs) > 0 {
		return false
	}
	b.valid[s] |= what
	return true
}
