package scenario

import (
	"cmp"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

var (
	locatorKeys = []string{"text", "text_contains", "text_regex", "role", "css", "xpath"}
	targetKeys  = append(slices.Clone(locatorKeys), "name", "name_regex", "within", "nth")
	// doneKeys: done is a target or {url: REGEX}; knowing both sets gives better messages.
	doneKeys = append(slices.Clone(targetKeys), "url")
)

// target decodes a target: a plain string is exact visible text, a mapping has exactly one locator.
// It returns nil after reporting a problem that leaves nothing usable.
func (d *decoder) target(n *yaml.Node, path string, depth int) *Target {
	if n == nil {
		return nil
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		d.Errorf(n, path, "needs a target: visible text, or a mapping such as {css: \"#id\"} or {role: button, name: 退订}")
		return nil
	case n.Kind == yaml.ScalarNode:
		s, ok := d.Text(n, path)
		if !ok {
			return nil
		}
		return &Target{Text: s, Line: n.Line}
	case n.Kind != yaml.MappingNode:
		d.Errorf(n, path, "a target is visible text or a mapping such as {role: button, name: 退订}, got %s", yamlfile.Describe(n))
		return nil
	}
	f, _ := d.Mapping(n, path, "a target", targetKeys)
	t := &Target{Line: n.Line}
	d.locator(t, n, f, path)

	if fd, ok := f["nth"]; ok && fd.Value != nil {
		if nth, ok := d.Int(fd.Value, yamlfile.Join(path, "nth")); ok {
			if nth < 0 {
				d.Errorf(fd.Value, yamlfile.Join(path, "nth"), "must be 0 or more (0 is the first visible match), got %d", nth)
			}
			t.Nth, t.NthSet = nth, true
		}
	}
	if fd, ok := f["within"]; ok && fd.Value != nil {
		if depth >= maxWithin {
			d.Errorf(fd.Key, yamlfile.Join(path, "within"), "within is nested more than %d deep", maxWithin)
		} else {
			t.Within = d.target(fd.Value, yamlfile.Join(path, "within"), depth+1)
		}
	}
	return t
}

// locator decodes the one locator of a target mapping, with name or name_regex next to role.
func (d *decoder) locator(t *Target, n *yaml.Node, f yamlfile.Fields, path string) {
	var present []string
	for _, k := range locatorKeys {
		if _, ok := f[k]; ok {
			present = append(present, k)
		}
	}
	slices.SortFunc(present, func(a, b string) int {
		return cmp.Or(cmp.Compare(f[a].Key.Line, f[b].Key.Line), cmp.Compare(f[a].Key.Column, f[b].Key.Column))
	})
	switch len(present) {
	case 0:
		d.Errorf(n, path, "the target has no locator: give one of %s", strings.Join(locatorKeys, ", "))
	case 1:
	default:
		d.Errorf(f[present[1]].Key, yamlfile.Join(path, present[1]),
			"a target has one locator, and this one already has %s: keep one (role may come with name or name_regex)", present[0])
	}
	for _, k := range present {
		v, kpath := f[k].Value, yamlfile.Join(path, k)
		if v == nil {
			continue
		}
		switch k {
		case "text":
			t.Text, _ = d.Text(v, kpath)
		case "text_contains":
			t.TextContains, _ = d.Text(v, kpath)
		case "text_regex":
			t.TextRegex, _ = d.Checked(v, kpath, checkRegex)
		case "role":
			t.Role, _ = d.Checked(v, kpath, checkRole)
		case "css":
			t.CSS, _ = d.Checked(v, kpath, checkCSS)
		case "xpath":
			t.XPath, _ = d.Checked(v, kpath, checkXPath)
		}
	}

	name, hasName := f["name"]
	nameRe, hasNameRe := f["name_regex"]
	_, hasRole := f["role"]
	switch {
	case (hasName || hasNameRe) && !hasRole:
		k := cmp.Or(name.Key, nameRe.Key)
		d.Errorf(k, yamlfile.Join(path, k.Value), "%s goes with role (the accessible name of an element with that role); for visible text use text", k.Value)
	case hasName && hasNameRe:
		later := name.Key
		if later.Line < nameRe.Key.Line || later.Line == nameRe.Key.Line && later.Column < nameRe.Key.Column {
			later = nameRe.Key
		}
		d.Errorf(later, yamlfile.Join(path, later.Value), "give name or name_regex, not both")
	default:
		if hasName && name.Value != nil {
			t.Name, _ = d.Text(name.Value, yamlfile.Join(path, "name"))
		}
		if hasNameRe && nameRe.Value != nil {
			t.NameRegex, _ = d.Checked(nameRe.Value, yamlfile.Join(path, "name_regex"), checkRegex)
		}
	}
}

// condition decodes done: a target that must become visible, or {url: REGEX} on the full URL.
func (d *decoder) condition(n *yaml.Node, path string) Condition {
	c := Condition{Line: n.Line}
	if n.Kind != yaml.MappingNode || !hasKey(n, "url") {
		c.Target = d.target(n, path, 0)
		return c
	}
	f, _ := d.Mapping(n, path, path, doneKeys)
	for k, fd := range f {
		if k != "url" {
			d.Errorf(fd.Key, yamlfile.Join(path, k), "%s is either a target or {url: REGEX}: %s cannot go with url", path, k)
		}
	}
	if v := f["url"].Value; v != nil {
		c.URL, _ = d.Checked(v, yamlfile.Join(path, "url"), checkRegex)
	}
	return c
}

// hasKey tells whether mapping n has the plain key k.
func hasKey(n *yaml.Node, k string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if key := n.Content[i]; key.Kind == yaml.ScalarNode && key.Value == k {
			return true
		}
	}
	return false
}
