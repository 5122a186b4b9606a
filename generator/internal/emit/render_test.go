package emit

import "testing"

// The standard library group and the others are separated by exactly one
// blank line, whichever group ends the block.
func TestGroupImports(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{
			in:   "package p\n\nimport (\n\t\"context\"\n\t\"example.com/x\"\n\t\"unicode/utf8\"\n)\n",
			want: "package p\n\nimport (\n\t\"context\"\n\t\"unicode/utf8\"\n\n\t\"example.com/x\"\n)\n",
		},
		{
			in:   "package p\n\nimport (\n\t\"context\"\n\t\"example.com/x\"\n)\n",
			want: "package p\n\nimport (\n\t\"context\"\n\n\t\"example.com/x\"\n)\n",
		},
		{
			in:   "package p\n\nimport (\n\t\"context\"\n\t\"strings\"\n)\n",
			want: "package p\n\nimport (\n\t\"context\"\n\t\"strings\"\n)\n",
		},
		{
			in:   "package p\n\nimport (\n\tx \"example.com/x\"\n\t\"strings\"\n)\n",
			want: "package p\n\nimport (\n\t\"strings\"\n\n\tx \"example.com/x\"\n)\n",
		},
	} {
		if got := string(groupImports([]byte(tc.in))); got != tc.want {
			t.Errorf("groupImports(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
