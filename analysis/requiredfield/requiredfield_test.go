package requiredfield_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/triggergen/triggergen/analysis/requiredfield"
)

// TestAnalyzer runs the analyzer over a package shaped like generated code
// (tagged fields, slug and toolkit constants, files with and without
// triggergen's header) and a user package of good and bad literals; every
// report is matched by a // want comment and every // want by a report.
func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), requiredfield.Analyzer, "gen/github", "user")
}
