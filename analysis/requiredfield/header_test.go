package requiredfield

import (
	"testing"

	"github.com/triggergen/triggergen/generator"
)

// The analyzer skips exactly the files the generator writes.
func TestGeneratedHeader(t *testing.T) {
	if generatedHeader != generator.Header {
		t.Fatalf("the analyzer skips files starting with %q; the generator writes %q", generatedHeader, generator.Header)
	}
}
