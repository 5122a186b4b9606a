// Package config loads triggergen.yaml, the one versioned configuration file
// of a triggergen project.
//
// The format (version 1):
//
//	version: 1                      # required
//	toolkits:                       # toolkit slug -> toolkit version ("latest" or e.g. 20250930_00)
//	  github: 20250729_00
//	  slack: latest
//	lock: triggergen.lock.json      # default triggergen.lock.json
//	out: ./composiotriggers         # default ./composiotriggers
//	import_path: example.com/app/composiotriggers  # import path of out; optional
//	renames:                        # generator.Config.Renames: key -> Go name
//	  type:GITHUB_COMMIT_EVENT#/payload: Commit
//
// toolkits may also be a plain list of slugs, each then pulled at its latest
// version: `toolkits: [github, slack]`.
//
// Decoding is strict: unknown keys are errors. Every problem of a file is
// reported at once, as an errors.Join of *Error values ("file:line: message").
// Relative paths (lock, out) are relative to the directory of the file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/module"
)

// FileName is the file triggergen looks for in the current directory when no
// -config flag is given.
const FileName = "triggergen.yaml"

// Version is the config version this package reads.
const Version = 1

// Latest is the toolkit version meaning "whatever the API serves today".
const Latest = "latest"

// Defaults for the optional keys.
const (
	DefaultLock = "triggergen.lock.json"
	DefaultOut  = "composiotriggers"
)

// Config is a loaded, validated configuration.
type Config struct {
	// File is the path the config was read from ("" when parsed from bytes
	// without a name).
	File string
	// Dir is the directory relative paths are resolved against.
	Dir string
	// Toolkits are the configured toolkits, in file order.
	Toolkits []Toolkit
	// Lock is the lock file path, resolved against Dir.
	Lock string
	// Out is the output directory, resolved against Dir.
	Out string
	// ImportPath is the Go import path of Out, or "" when not set.
	ImportPath string
	// Renames is passed to generator.Config.Renames.
	Renames map[string]string
}

// Toolkit is one configured toolkit.
type Toolkit struct {
	Slug string
	// Version is a toolkit version such as "20250930_00", or Latest.
	Version string
}

// Slugs returns the configured toolkit slugs, in file order.
func (c *Config) Slugs() []string {
	out := make([]string, len(c.Toolkits))
	for i, tk := range c.Toolkits {
		out[i] = tk.Slug
	}
	return out
}

// VersionOf returns the configured version of slug: Latest when the toolkit
// is not configured or has no pinned version.
func (c *Config) VersionOf(slug string) string {
	for _, tk := range c.Toolkits {
		if tk.Slug == slug && tk.Version != "" {
			return tk.Version
		}
	}
	return Latest
}

// Error is one problem in a config file.
type Error struct {
	File string
	Line int // 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if loc == "" {
		loc = FileName
	}
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	return loc + ": " + e.Msg
}

// Find returns the path of triggergen.yaml in dir, or "" when there is none.
func Find(dir string) (string, error) {
	p := filepath.Join(dir, FileName)
	_, err := os.Stat(p)
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	}
	return "", err
}

// Load reads and validates the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, filepath.Dir(abs), data)
}

// Parse decodes and validates a config. name is used in errors; dir is the
// directory relative paths are resolved against.
func Parse(name, dir string, data []byte) (*Config, error) {
	p := &parser{file: name}
	c := p.parse(data)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	c.File, c.Dir = name, dir
	c.Lock = resolve(dir, c.Lock)
	c.Out = resolve(dir, c.Out)
	return c, nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, filepath.FromSlash(p))
}

type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

var (
	slugRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	versionRE = regexp.MustCompile(`^[0-9]{8}_[0-9]{2}$`)
	yamlLine  = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)
)

func (p *parser) parse(data []byte) *Config {
	c := &Config{Lock: DefaultLock, Out: DefaultOut}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(nil, "empty file (want at least `version: %d`)", Version)
			return c
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: "invalid YAML: " + m[2]})
		} else {
			p.errs = append(p.errs, &Error{File: p.file, Msg: "invalid YAML: " + err.Error()})
		}
		return c
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "want a mapping of settings, got %s", kindName(root))
		return c
	}
	seen := map[string]*yaml.Node{}
	var versionNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if prev, dup := seen[k.Value]; dup {
			p.errorf(k, "duplicate key %q (first at line %d)", k.Value, prev.Line)
			continue
		}
		seen[k.Value] = k
		switch k.Value {
		case "version":
			versionNode = v
			n, ok := p.intValue(v)
			if ok && n != Version {
				p.errorf(v, "unsupported version %d (this triggergen reads version %d)", n, Version)
			}
		case "toolkits":
			c.Toolkits = p.toolkits(v)
		case "lock":
			c.Lock = p.path(k.Value, v)
		case "out":
			c.Out = p.path(k.Value, v)
		case "import_path":
			if s, ok := p.stringValue(k.Value, v); ok {
				if err := module.CheckImportPath(s); err != nil {
					p.errorf(v, "import_path: %v", err)
				}
				c.ImportPath = s
			}
		case "renames":
			c.Renames = p.renames(v)
		default:
			p.errorf(k, "unknown key %q (known: version, toolkits, lock, out, import_path, renames)", k.Value)
		}
	}
	if versionNode == nil {
		p.errorf(root, "missing `version: %d`", Version)
	}
	return c
}

func (p *parser) intValue(v *yaml.Node) (int, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
		p.errorf(v, "version: want the number %d, got %s", Version, describe(v))
		return 0, false
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil {
		p.errorf(v, "version: %v", err)
		return 0, false
	}
	return n, true
}

func (p *parser) stringValue(key string, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		p.errorf(v, "%s: want a string, got %s", key, describe(v))
		return "", false
	}
	if v.Value == "" {
		p.errorf(v, "%s: must not be empty", key)
		return "", false
	}
	return v.Value, true
}

func (p *parser) path(key string, v *yaml.Node) string {
	s, _ := p.stringValue(key, v)
	return s
}

// toolkits reads either a list of slugs or a mapping slug -> version.
func (p *parser) toolkits(v *yaml.Node) []Toolkit {
	var out []Toolkit
	seen := map[string]int{}
	add := func(n *yaml.Node, slug, version string) {
		if !slugRE.MatchString(slug) {
			p.errorf(n, "toolkits: %q is not a toolkit slug (want lower case letters, digits and _)", slug)
			return
		}
		if line, dup := seen[slug]; dup {
			p.errorf(n, "toolkits: %q listed twice (first at line %d)", slug, line)
			return
		}
		seen[slug] = n.Line
		out = append(out, Toolkit{Slug: slug, Version: version})
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for _, n := range v.Content {
			if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
				p.errorf(n, "toolkits: want a toolkit slug, got %s", describe(n))
				continue
			}
			add(n, n.Value, Latest)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				p.errorf(k, "toolkits: want a toolkit slug as key, got %s", describe(k))
				continue
			}
			version := Latest
			switch {
			case val.Kind == yaml.ScalarNode && val.Tag == "!!null":
			case val.Kind == yaml.ScalarNode && val.Tag == "!!str" && val.Value == Latest,
				// YAML 1.1 reads 20250930_00 as an integer; its text is what counts.
				val.Kind == yaml.ScalarNode && (val.Tag == "!!str" || val.Tag == "!!int") && versionRE.MatchString(val.Value):
				version = val.Value
			default:
				p.errorf(val, "toolkits: %s: version %s: want %q or a version like 20250930_00", k.Value, describe(val), Latest)
			}
			add(k, k.Value, version)
		}
	default:
		p.errorf(v, "toolkits: want a list of slugs or a mapping slug: version, got %s", describe(v))
	}
	return out
}

func (p *parser) renames(v *yaml.Node) map[string]string {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "renames: want a mapping key: GoName, got %s", describe(v))
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			p.errorf(k, "renames: want a non-empty key, got %s", describe(k))
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.errorf(k, "renames: %q listed twice", k.Value)
			continue
		}
		if val.Kind != yaml.ScalarNode || val.Tag != "!!str" || val.Value == "" {
			p.errorf(val, "renames: %s: want a Go name, got %s", k.Value, describe(val))
			continue
		}
		out[k.Value] = val.Value
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "nothing"
}

func describe(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindName(n)
	}
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!str":
		return strconv.Quote(n.Value)
	}
	return fmt.Sprintf("%s %s", n.ShortTag()[2:], n.Value)
}
