package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

//go:embed packs/*.yaml
var bundledFS embed.FS

// Bundled loads the rule packs embedded in the binary, sorted by id.
func Bundled() ([]*Pack, error) {
	names, err := fs.Glob(bundledFS, "packs/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("bundled rule packs: %w", err)
	}
	var packs []*Pack
	var errs []error
	for _, name := range names {
		data, err := bundledFS.ReadFile(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("bundled rule pack %s: %w", name, err))
			continue
		}
		p, err := ParsePack(data, "bundled:"+path.Base(name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		packs = append(packs, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(packs, func(i, j int) bool { return packs[i].ID < packs[j].ID })
	return packs, nil
}

// LoadAll returns the bundled packs followed by the user's pack files, in the order given. A user pack may
// not reuse a pack id: give it its own id and select it with --rules.
func LoadAll(files []string) ([]*Pack, error) {
	packs, err := Bundled()
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, p := range packs {
		ids[p.ID] = p.Source
	}
	for _, f := range files {
		p, err := LoadPackFile(f)
		if err != nil {
			return nil, err
		}
		if prev, dup := ids[p.ID]; dup {
			return nil, fmt.Errorf("%s: rule pack %q is already defined by %s", f, p.ID, prev)
		}
		ids[p.ID] = p.Source
		packs = append(packs, p)
	}
	return packs, nil
}
