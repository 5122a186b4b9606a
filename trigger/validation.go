package trigger

import (
	"errors"
	"strings"
)

// ErrInvalid is matched (with errors.Is) by every validation error.
var ErrInvalid = errors.New("invalid trigger config")

// ValidationError is one violated JSON Schema constraint.
type ValidationError struct {
	// Path is the JSON pointer of the offending value within the config,
	// e.g. "/labels/0"; "" is the config itself.
	Path string
	// Keyword is the JSON Schema keyword that failed: "required", "type",
	// "enum", "minimum", "maxLength", "pattern", ...
	Keyword string
	// Message explains the failure in words.
	Message string
}

func (e *ValidationError) Error() string {
	p := e.Path
	if p == "" {
		p = "/"
	}
	return p + ": " + e.Message
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// ValidationErrors collects every violation found in one value, in schema order.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalid.Error())
	b.WriteString(": ")
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap exposes each violation to errors.Is and errors.As.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Is reports whether target is ErrInvalid.
func (es ValidationErrors) Is(target error) bool { return target == ErrInvalid }

// Err returns nil when es is empty and es otherwise.
func (es ValidationErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
