package naming

import (
	"strings"
	"testing"
)

func TestExported(t *testing.T) {
	for in, want := range map[string]string{
		"userId":             "UserID",
		"labelIds":           "LabelIDs",
		"html_url":           "HTMLURL",
		"COMMIT_EVENT":       "CommitEvent",
		"ONE_DRIVE_ITEM":     "OneDriveItem",
		"HTMLParser":         "HTMLParser",
		"maxResults":         "MaxResults",
		"2fa_enabled":        "X2faEnabled",
		"type":               "Type",
		"":                   "Fallback",
		"🚀":                  "U1F680",
		"café":               "CafU00E9",
		"oauth2_token":       "Oauth2Token",
		"v2Id":               "V2ID",
		"apiURLs":            "APIURLs",
		"some-hyphen.dot":    "SomeHyphenDot",
		"disabled_at":        "DisabledAt",
		"disabledAt":         "DisabledAt",
		"DISCUSSION_TOPIC":   "DiscussionTopic",
		"ids":                "IDs",
		"x_1_2":              "X12",
		"OneDriveItemSchema": "OneDriveItemSchema",
	} {
		if got := Exported(in, "Fallback"); got != want {
			t.Errorf("Exported(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnexported(t *testing.T) {
	for in, want := range map[string]string{"UserID": "userID", "html_url": "htmlURL", "ID": "id", "Type": "type_", "String": "string_", "X2fa": "x2fa"} {
		if got := Unexported(in); got != want {
			t.Errorf("Unexported(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPackage(t *testing.T) {
	for in, want := range map[string]string{"one_drive": "onedrive", "github": "github", "func": "funcpkg", "main": "mainpkg", "2fa": "tk2fa", "": "toolkit", "Slack-Bot": "slackbot",
		"internal": "internalpkg", "testdata": "testdatapkg", "vendor": "vendorpkg", "_under": "under", ".dot": "dot"} {
		if got := Package(in); got != want {
			t.Errorf("Package(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidPackage(t *testing.T) {
	for name, want := range map[string]bool{"github": true, "my_pkg": true, "internal": false, "testdata": false, "vendor": false,
		"_x": false, "main": false, "func": false, "Upper": false, strings.Repeat("a", MaxName): true, strings.Repeat("a", MaxName+1): false} {
		if got := ValidPackage(name); got != want {
			t.Errorf("ValidPackage(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestShortNames: a long slug gives a name of at most MaxName bytes, the
// same every time, and distinct from another long slug with the same prefix.
func TestShortNames(t *testing.T) {
	long := strings.Repeat("VERY_LONG_", 40)
	a, b := FileStem(long+"A"), FileStem(long+"B")
	if len(a) > MaxName || len(b) > MaxName || a == b || a != FileStem(long+"A") {
		t.Errorf("FileStem: %q, %q", a, b)
	}
	if p := Package(strings.Repeat("x", 300)); len(p) > MaxName || !ValidPackage(p) {
		t.Errorf("Package: %q", p)
	}
	if FileStem("short_name") != "short_name" {
		t.Error("a short stem changed")
	}
}

func TestFileStem(t *testing.T) {
	for in, want := range map[string]string{"COMMIT_EVENT": "commit_event", "EVENT_WINDOWS": "event_windows_gen", "LINUX": "linux", "A_TEST": "a_test_gen", "": "trigger"} {
		if got := FileStem(in); got != want {
			t.Errorf("FileStem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveOrderIndependent(t *testing.T) {
	mk := func() []*Candidate {
		return []*Candidate{{Want: "DisabledAt", Key: "disabled_at"}, {Want: "DisabledAt", Key: "disabledAt"}, {Want: "DisabledAt2", Key: "zzz"}}
	}
	a := mk()
	b := mk()
	b[0], b[2] = b[2], b[0]
	if _, err := Resolve(nil, a); err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(nil, b); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range a {
		got[c.Key] = c.Got
	}
	for _, c := range b {
		if got[c.Key] != c.Got {
			t.Errorf("%s: %s vs %s", c.Key, got[c.Key], c.Got)
		}
	}
	if got["disabledAt"] != "DisabledAt" || got["zzz"] != "DisabledAt2" || got["disabled_at"] != "DisabledAt3" {
		t.Errorf("got %v", got)
	}
}

func TestSingular(t *testing.T) {
	for in, want := range map[string]string{
		"ConfigStatuses": "ConfigStatus", "Categories": "Category", "Boxes": "Box", "Labels": "Label",
		"LabelIDs": "LabelID", "Status": "Status", "Analysis": "Analysis", "Data": "Data", "Addresses": "Address",
		"Matches": "Match", "Class": "Class", "Ties": "Tie", "Tags": "Tag", "PayloadEvents": "PayloadEvent", "URLs": "URL",
	} {
		if got := Singular(in); got != want {
			t.Errorf("Singular(%q) = %q, want %q", in, got, want)
		}
	}
}
