package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/guard"
)

// badRequest is a request refused before judging, with the reason the
// bad_requests_total metric counts it under.
type badRequest struct {
	status int
	reason string // "method", "content_type", "too_large", "malformed", "version"
	err    error
}

func (e *badRequest) Error() string { return e.err.Error() }

// validate answers one AdmissionReview. "Webhooks respond with a 200 HTTP
// status code, Content-Type: application/json, and a body containing an
// AdmissionReview object (in the same version they were sent)"
// (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#response).
func (s *Server) validate(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	review, err := s.readReview(w, r)
	if err != nil {
		var bad *badRequest
		errors.As(err, &bad)
		s.m.rejected.WithLabelValues(bad.reason).Inc()
		s.log.Warn("bad request", "remote", r.RemoteAddr, "reason", bad.reason, "error", bad.err.Error())
		http.Error(w, bad.err.Error(), bad.status)
		return
	}
	req := review.Request
	resp, decision := s.judge(req)
	s.m.requests.WithLabelValues(req.Kind.Kind, string(req.Operation)).Inc()
	s.m.decisions.WithLabelValues(decision).Inc()
	s.m.latency.WithLabelValues(decision).Observe(time.Since(start).Seconds())
	out := admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp}
	body, err := json.Marshal(out)
	if err != nil { // a struct of strings and bools: cannot fail
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// readReview reads and checks the request: POST, JSON, at most maxBody
// bytes, an admission.k8s.io/v1 AdmissionReview with a request and a uid.
func (s *Server) readReview(w http.ResponseWriter, r *http.Request) (*admissionv1.AdmissionReview, error) {
	if r.Method != http.MethodPost {
		return nil, &badRequest{http.StatusMethodNotAllowed, "method", fmt.Errorf("want POST, got %s", r.Method)}
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		return nil, &badRequest{http.StatusBadRequest, "content_type", fmt.Errorf("want Content-Type application/json, got %q", r.Header.Get("Content-Type"))}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &badRequest{http.StatusBadRequest, "too_large", fmt.Errorf("request body over %d bytes", s.maxBody)}
		}
		return nil, &badRequest{http.StatusBadRequest, "malformed", fmt.Errorf("reading the request: %w", err)}
	}
	var review admissionv1.AdmissionReview
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&review); err != nil {
		return nil, &badRequest{http.StatusBadRequest, "malformed", fmt.Errorf("decoding the AdmissionReview: %w", err)}
	}
	if gv := review.APIVersion + ", kind " + review.Kind; review.APIVersion != "admission.k8s.io/v1" || review.Kind != "AdmissionReview" {
		return nil, &badRequest{http.StatusBadRequest, "version", fmt.Errorf("want apiVersion admission.k8s.io/v1, kind AdmissionReview; got apiVersion %s", gv)}
	}
	if review.Request == nil || review.Request.UID == "" {
		return nil, &badRequest{http.StatusBadRequest, "malformed", fmt.Errorf("AdmissionReview without request.uid")}
	}
	return &review, nil
}

// judge asks the guard about req and writes the response.
func (s *Server) judge(req *admissionv1.AdmissionRequest) (*admissionv1.AdmissionResponse, string) {
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	attrs := []any{"uid", string(req.UID), "kind", req.Kind.Kind, "namespace", req.Namespace, "name", req.Name,
		"operation", string(req.Operation), "dryRun", req.DryRun != nil && *req.DryRun, "user", req.UserInfo.Username}
	g := s.src.Guard()
	if g == nil {
		resp.Warnings = []string{"podreach guard: the cluster model is not synced yet; this change was not evaluated"}
		s.log.Warn("review", append(attrs, "decision", decisionUnsynced)...)
		return resp, decisionUnsynced
	}
	op, err := guard.ParseOperation(string(req.Operation))
	if err != nil { // CONNECT: nothing the guard judges
		s.log.Info("review", append(attrs, "decision", decisionSkipped)...)
		return resp, decisionSkipped
	}
	v, err := g.Review(guard.Request{Operation: op, Group: req.Kind.Group, Kind: req.Kind.Kind, Namespace: req.Namespace, Name: req.Name,
		Object: req.Object.Raw, OldObject: req.OldObject.Raw, DryRun: req.DryRun != nil && *req.DryRun})
	resp.Allowed, resp.Warnings = v.Allowed, v.Warnings
	decision := decide(v, err)
	if !v.Allowed {
		resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: v.Message}
	}
	attrs = append(attrs, "decision", decision, "broken", len(v.Broken), "removed", v.Removed, "protectedLost", len(v.Lost))
	if err != nil {
		s.log.Error("review", append(attrs, "error", err.Error())...)
	} else {
		s.log.Info("review", attrs...)
	}
	return resp, decision
}

func decide(v guard.Verdict, err error) string {
	switch {
	case err != nil:
		return decisionUnjudged
	case !v.Evaluated:
		return decisionSkipped
	case !v.Allowed:
		return decisionDenied
	case len(v.Warnings) > 0:
		return decisionWarned
	}
	return decisionAllowed
}
