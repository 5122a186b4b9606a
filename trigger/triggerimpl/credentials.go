package triggerimpl

import (
	"io"
	"strconv"
	"strings"

	"github.com/triggergen/triggergen/secret"
	"github.com/triggergen/triggergen/trigger"
)

// FormatEndpointFields writes typeName{name:value ...} for the given fields,
// with secret values redacted. Generated partial updates use it as their
// fmt.Formatter, so that printing one shows which fields it sets but never a
// secret.
func FormatEndpointFields(w io.Writer, typeName string, fields []trigger.EndpointField) {
	var b strings.Builder
	b.WriteString(typeName)
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Name)
		b.WriteByte(':')
		if f.Sensitive {
			b.WriteString(secret.Redacted)
		} else {
			b.WriteString(strconv.Quote(f.Value.Reveal()))
		}
	}
	b.WriteByte('}')
	_, _ = io.WriteString(w, b.String())
}
