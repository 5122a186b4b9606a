package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/triggergen/triggergen/internal/config"
)

// configFlagUsage documents -config on every command that reads it.
const configFlagUsage = "config file (default: " + config.FileName + " in the current directory, when present)"

// loadConfig loads the config file named by -config, or triggergen.yaml in
// the current directory when the flag is empty. It returns nil, nil when
// there is no config file and none was asked for.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		found, err := config.Find(".")
		if err != nil || found == "" {
			return nil, err
		}
		path = found
	}
	return config.Load(path)
}

// applyGenerateConfig fills o from the config file (named by -config, else
// triggergen.yaml in the current directory) for every setting whose flag was
// not given. Without a config file, o is left as the flags made it.
func applyGenerateConfig(fs *flag.FlagSet, o *generateOptions, configPath string) error {
	cfg, err := loadConfig(configPath)
	if err != nil || cfg == nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["lock"] {
		if _, err := os.Stat(cfg.Lock); err != nil {
			return fmt.Errorf("generate: lock %s (from %s): %w; run `triggergen init` to create it from the embedded catalog (offline), or `triggergen pull` to fetch it from Composio", cfg.Lock, cfg.File, err)
		}
		o.lockPath = cfg.Lock
	}
	if !set["out"] {
		o.outDir = cfg.Out
	}
	if !set["import-path"] && cfg.ImportPath != "" {
		o.importPath = cfg.ImportPath
	}
	if !set["toolkits"] && !set["toolkit"] && len(cfg.Toolkits) > 0 {
		o.toolkits = cfg.Slugs()
	}
	o.renames = cfg.Renames
	o.pins = map[string]string{}
	for _, tk := range cfg.Toolkits {
		o.pins[tk.Slug] = cfg.VersionOf(tk.Slug)
	}
	o.pinsFrom = displayPath(cfg.File)
	return nil
}
