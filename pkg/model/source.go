package model

import (
	"fmt"
	"strconv"
)

// Source says where an object came from: a file and the line its document
// starts on. The zero value means "unknown" (objects built in code).
type Source struct {
	File string
	Line int
}

func (s Source) String() string {
	switch {
	case s.File == "":
		return ""
	case s.Line <= 0:
		return s.File
	}
	return s.File + ":" + strconv.Itoa(s.Line)
}

// Severity ranks a Diagnostic.
type Severity uint8

// Severities, least severe first.
const (
	SeverityUnknown Severity = iota
	Notice
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Notice:
		return "notice"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "unknown"
}

// Diagnostic is a problem found in the input: where (file, line, object,
// field) and what. Errors make the input unusable; notices and warnings sit
// next to a valid result.
type Diagnostic struct {
	Severity Severity
	Source   Source
	Object   string // "Kind ns/name", empty when not about one object
	Field    string // "spec.ingress[0].from[1].ipBlock.cidr"
	Message  string
}

// Error formats the diagnostic as
// "file:line: Kind ns/name: field: message".
func (d Diagnostic) Error() string {
	s := ""
	if src := d.Source.String(); src != "" {
		s = src + ": "
	}
	if d.Object != "" {
		s += d.Object + ": "
	}
	if d.Field != "" {
		s += d.Field + ": "
	}
	return s + d.Message
}

func (d Diagnostic) String() string { return d.Severity.String() + ": " + d.Error() }

// Diagnostics is a list of diagnostics with helpers.
type Diagnostics []Diagnostic

// Errors returns only the Error-severity diagnostics.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Err returns nil when ds holds no Error, else an error listing them all.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &InputError{Diagnostics: errs}
}

// InputError reports unusable input; it carries every Error diagnostic.
type InputError struct {
	Diagnostics Diagnostics
}

func (e *InputError) Error() string {
	if len(e.Diagnostics) == 1 {
		return e.Diagnostics[0].Error()
	}
	s := fmt.Sprintf("%d errors in input:", len(e.Diagnostics))
	for _, d := range e.Diagnostics {
		s += "\n  " + d.Error()
	}
	return s
}
