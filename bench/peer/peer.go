// Package peer compares triggergen with github.com/atombender/go-jsonschema
// on the same input: the config and payload JSON Schemas of the embedded
// catalog's 82 trigger types (164 schemas in 24 toolkits). It is a separate
// module so that the root go.mod does not depend on the peer.
//
// Both generators run as libraries, in memory, one Go package per toolkit:
// triggergen through generator.Generate on the lock, go-jsonschema through
// generator.New/AddFile/Sources with one schema per trigger type and kind
// (parsed from the lock's bytes with schemas.FromJSONReader in the loop, as
// triggergen compiles its schemas inside Generate). BenchmarkPeer times
// both; cmd/peercompare prints what each produces (see Analyze).
package peer

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"

	gjs "github.com/atombender/go-jsonschema/pkg/generator"
	"github.com/atombender/go-jsonschema/pkg/schemas"

	"github.com/triggergen/triggergen/generator"
	"github.com/triggergen/triggergen/lockfile"
)

// Triggergen generates the lock with triggergen; the result maps file path
// to content.
func Triggergen(ctx context.Context, lk *lockfile.Lock) (map[string][]byte, error) {
	res, err := generator.Generate(ctx, generator.Config{Lock: lk, ImportPath: "example.com/peer/triggers"})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(res.Files))
	for _, f := range res.Files {
		out[f.Path] = f.Content
	}
	return out, nil
}

// GoJSONSchema generates the config and payload schema of every trigger type
// of the lock with go-jsonschema, one generator (and package, and file) per
// toolkit, with the tool's default options (validation included). Schema
// "GITHUB_COMMIT_EVENT"'s config is added as "commit_event_config.json", so
// its root type is CommitEventConfig, as with triggergen. An absent or
// non-object schema is skipped.
func GoJSONSchema(lk *lockfile.Lock) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, tk := range lk.Toolkits {
		pkg := strings.ReplaceAll(strings.ToLower(tk.Slug), "_", "")
		g, err := gjs.New(gjs.Config{
			DefaultPackageName: pkg,
			DefaultOutputName:  pkg + "/" + pkg + ".go",
			Tags:               []string{"json"},
			Warner:             func(string) {},
		})
		if err != nil {
			return nil, err
		}
		for _, tt := range tk.TriggerTypes {
			base := strings.ToLower(strings.TrimPrefix(strings.ToUpper(tt.Slug), strings.ToUpper(tk.Slug)+"_"))
			for _, s := range []struct {
				kind string
				raw  []byte
			}{{"config", tt.Config}, {"payload", tt.Payload}} {
				if len(bytes.TrimSpace(s.raw)) == 0 || bytes.TrimSpace(s.raw)[0] != '{' {
					continue
				}
				sch, err := schemas.FromJSONReader(bytes.NewReader(s.raw))
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", tt.Slug, s.kind, err)
				}
				if err := g.AddFile(base+"_"+s.kind+".json", sch); err != nil {
					return nil, fmt.Errorf("%s %s: %w", tt.Slug, s.kind, err)
				}
			}
		}
		src, err := g.Sources()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tk.Slug, err)
		}
		for k, v := range src {
			out[k] = v
		}
	}
	return out, nil
}

// Stats is what a generator produced.
type Stats struct {
	Files, Lines int
	// Types counts type declarations; Structs those that are structs.
	Types, Structs int
	// Fields counts struct fields; AnyFields those whose type mentions
	// any or interface{} (also []any, map[string]interface{}, ...);
	// RawFields those whose type mentions json.RawMessage (kept raw,
	// decodable later, but not typed either).
	Fields, AnyFields, RawFields int
	// Validate counts Validate methods; ValidateChecking those whose body is
	// more than "return nil".
	Validate, ValidateChecking int
	// UnmarshalJSON counts UnmarshalJSON methods; RequiredChecks the if
	// statements whose body reports a missing required field (a string
	// literal mentioning "required", or triggergen's d.Missing call; nested
	// ifs not included).
	UnmarshalJSON, RequiredChecks int
	// Enums counts constants of named string types.
	Enums int
}

// Analyze parses every .go file and counts what Stats lists.
func Analyze(files map[string][]byte) (Stats, error) {
	var st Stats
	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	sort.Strings(names)
	fset := token.NewFileSet()
	for _, name := range names {
		src := files[name]
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		st.Files++
		st.Lines += bytes.Count(src, []byte("\n"))
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return st, fmt.Errorf("%s: %w", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeSpec:
				st.Types++
				if _, ok := n.Type.(*ast.StructType); ok {
					st.Structs++
				}
			case *ast.StructType:
				for _, fl := range n.Fields.List {
					k := max(len(fl.Names), 1)
					st.Fields += k
					if mentionsAny(fl.Type) {
						st.AnyFields += k
					}
					if mentionsRaw(fl.Type) {
						st.RawFields += k
					}
				}
			case *ast.FuncDecl:
				if n.Recv == nil {
					break
				}
				switch n.Name.Name {
				case "Validate":
					st.Validate++
					if !returnsNilOnly(n.Body) {
						st.ValidateChecking++
					}
				case "UnmarshalJSON":
					st.UnmarshalJSON++
				}
			case *ast.IfStmt:
				if reportsRequired(n.Body) {
					st.RequiredChecks++
				}
			case *ast.GenDecl:
				if n.Tok != token.CONST {
					break
				}
				for _, sp := range n.Specs {
					vs := sp.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); ok && id.Name != "string" && id.Name != "float64" && id.Name != "int64" && id.Name != "bool" && id.Name != "int" {
						st.Enums += len(vs.Names)
					}
				}
			}
			return true
		})
	}
	return st, nil
}

func mentionsAny(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if n.Name == "any" {
				found = true
			}
		case *ast.InterfaceType:
			if n.Methods == nil || len(n.Methods.List) == 0 {
				found = true
			}
		}
		return !found
	})
	return found
}

func mentionsRaw(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok && s.Sel.Name == "RawMessage" {
			found = true
		}
		return !found
	})
	return found
}

func returnsNilOnly(b *ast.BlockStmt) bool {
	if b == nil || len(b.List) != 1 {
		return false
	}
	r, ok := b.List[0].(*ast.ReturnStmt)
	if !ok || len(r.Results) != 1 {
		return false
	}
	id, ok := r.Results[0].(*ast.Ident)
	return ok && id.Name == "nil"
}

// reportsRequired reports whether body, not counting nested if statements,
// has a string literal that mentions "required".
func reportsRequired(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			return false
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil && strings.Contains(s, "required") {
					found = true
				}
			}
		case *ast.SelectorExpr:
			// triggergen's decoders report a missing property with d.Missing.
			if n.Sel.Name == "Missing" {
				found = true
			}
		}
		return !found
	})
	return found
}
