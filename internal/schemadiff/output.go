package schemadiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for people, grouped by toolkit and trigger:
//
//	github 20250729_00 (sha256 e3551dcb → 0c1f2a9b)
//	  GITHUB_COMMIT_EVENT
//	    breaking for callers: config field "branch" added as required (string)  [/config/properties/branch]
//
//	1 breaking change, 0 additive, 0 info
//
// Unchanged toolkits are left out.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	byToolkit := map[string][]Change{}
	for _, c := range r.Changes {
		byToolkit[c.Toolkit] = append(byToolkit[c.Toolkit], c)
	}
	any := false
	for _, td := range r.Toolkits {
		changes := byToolkit[td.Slug]
		if td.Status == StatusUnchanged && len(changes) == 0 {
			continue
		}
		any = true
		b.WriteString(toolkitHeader(td) + "\n")
		trigger := ""
		for _, c := range changes {
			indent := "  "
			if c.Trigger != "" {
				if c.Trigger != trigger {
					trigger = c.Trigger
					fmt.Fprintf(&b, "  %s\n", trigger)
				}
				indent = "    "
			}
			b.WriteString(indent + line(c) + "\n")
		}
		if len(changes) == 0 && len(td.TriggersChanged) > 0 {
			fmt.Fprintf(&b, "  %s changed (no schema change: names, descriptions or examples)\n", strings.Join(td.TriggersChanged, ", "))
		}
	}
	if !any {
		b.WriteString("no changes\n")
	} else {
		fmt.Fprintf(&b, "\n%s, %d additive, %d info\n", plural(r.Count(Breaking), "breaking change"), r.Count(Additive), r.Count(Info))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func toolkitHeader(td ToolkitDiff) string {
	switch td.Status {
	case StatusAdded:
		return fmt.Sprintf("%s %s (added, sha256 %s)", td.Slug, td.NewVersion, short(td.NewSHA256))
	case StatusRemoved:
		return fmt.Sprintf("%s %s (removed)", td.Slug, td.OldVersion)
	}
	version := td.NewVersion
	if td.OldVersion != td.NewVersion {
		version = orNone(td.OldVersion) + " → " + orNone(td.NewVersion)
	}
	return fmt.Sprintf("%s %s (sha256 %s → %s)", td.Slug, version, short(td.OldSHA256), short(td.NewSHA256))
}

func short(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

// line renders one change: "breaking for callers: message  [pointer]".
func line(c Change) string {
	s := string(c.Severity)
	if c.Severity == Breaking && c.Audience != "" {
		s += " for " + string(c.Audience)
	}
	s += ": " + c.Message
	if c.Pointer != "" {
		s += "  [" + c.Pointer + "]"
	}
	return s
}

// jsonReport is the documented JSON shape (see the package doc).
type jsonReport struct {
	Breaking bool           `json:"breaking"`
	Counts   map[string]int `json:"counts"`
	Toolkits []ToolkitDiff  `json:"toolkits"`
	Changes  []Change       `json:"changes"`
}

// WriteJSON writes the report as indented JSON (see the package doc).
func WriteJSON(w io.Writer, r *Report) error {
	out := jsonReport{
		Breaking: r.Breaking(),
		Counts: map[string]int{
			string(Breaking): r.Count(Breaking),
			string(Additive): r.Count(Additive),
			string(Info):     r.Count(Info),
		},
		Toolkits: r.Toolkits,
		Changes:  r.Changes,
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
