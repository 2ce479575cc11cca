// Package scenarios bundles the scenarios that ship inside the binary: those of the demo sites that
// `cancelpath demo` serves and audits.
package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
)

// Demo holds demo/*.yaml: one scenario per demo site. What each must measure is in the demo package
// (demo/ground-truth.yaml), outside this folder so that loading the folder finds scenarios only.
//
//go:embed demo/*.yaml
var Demo embed.FS

// DemoScenarios lists the demo scenario files in Demo, sorted (paths like "demo/xingchen.yaml").
func DemoScenarios() ([]string, error) {
	files, err := fs.Glob(Demo, "demo/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("demo scenarios: %w", err)
	}
	return files, nil
}
