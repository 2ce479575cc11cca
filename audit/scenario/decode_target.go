package scenario

import (
	"cmp"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
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
		d.errorf(n, path, "needs a target: visible text, or a mapping such as {css: \"#id\"} or {role: button, name: 退订}")
		return nil
	case n.Kind == yaml.ScalarNode:
		s, ok := d.text(n, path)
		if !ok {
			return nil
		}
		return &Target{Text: s, Line: n.Line}
	case n.Kind != yaml.MappingNode:
		d.errorf(n, path, "a target is visible text or a mapping such as {role: button, name: 退订}, got %s", describe(n))
		return nil
	}
	f, _ := d.mapping(n, path, "a target", targetKeys)
	t := &Target{Line: n.Line}
	d.locator(t, n, f, path)

	if fd, ok := f["nth"]; ok && fd.val != nil {
		if nth, ok := d.integer(fd.val, join(path, "nth")); ok {
			if nth < 0 {
				d.errorf(fd.val, join(path, "nth"), "must be 0 or more (0 is the first visible match), got %d", nth)
			}
			t.Nth, t.NthSet = nth, true
		}
	}
	if fd, ok := f["within"]; ok && fd.val != nil {
		if depth >= maxWithin {
			d.errorf(fd.key, join(path, "within"), "within is nested more than %d deep", maxWithin)
		} else {
			t.Within = d.target(fd.val, join(path, "within"), depth+1)
		}
	}
	return t
}

// locator decodes the one locator of a target mapping, with name or name_regex next to role.
func (d *decoder) locator(t *Target, n *yaml.Node, f map[string]field, path string) {
	var present []string
	for _, k := range locatorKeys {
		if _, ok := f[k]; ok {
			present = append(present, k)
		}
	}
	slices.SortFunc(present, func(a, b string) int {
		return cmp.Or(cmp.Compare(f[a].key.Line, f[b].key.Line), cmp.Compare(f[a].key.Column, f[b].key.Column))
	})
	switch len(present) {
	case 0:
		d.errorf(n, path, "the target has no locator: give one of %s", strings.Join(locatorKeys, ", "))
	case 1:
	default:
		d.errorf(f[present[1]].key, join(path, present[1]),
			"a target has one locator, and this one already has %s: keep one (role may come with name or name_regex)", present[0])
	}
	for _, k := range present {
		v, kpath := f[k].val, join(path, k)
		if v == nil {
			continue
		}
		switch k {
		case "text":
			t.Text, _ = d.text(v, kpath)
		case "text_contains":
			t.TextContains, _ = d.text(v, kpath)
		case "text_regex":
			t.TextRegex, _ = d.checked(v, kpath, checkRegex)
		case "role":
			t.Role, _ = d.checked(v, kpath, checkRole)
		case "css":
			t.CSS, _ = d.checked(v, kpath, checkCSS)
		case "xpath":
			t.XPath, _ = d.checked(v, kpath, checkXPath)
		}
	}

	name, hasName := f["name"]
	nameRe, hasNameRe := f["name_regex"]
	_, hasRole := f["role"]
	switch {
	case (hasName || hasNameRe) && !hasRole:
		k := cmp.Or(name.key, nameRe.key)
		d.errorf(k, join(path, k.Value), "%s goes with role (the accessible name of an element with that role); for visible text use text", k.Value)
	case hasName && hasNameRe:
		later := name.key
		if later.Line < nameRe.key.Line || later.Line == nameRe.key.Line && later.Column < nameRe.key.Column {
			later = nameRe.key
		}
		d.errorf(later, join(path, later.Value), "give name or name_regex, not both")
	default:
		if hasName && name.val != nil {
			t.Name, _ = d.text(name.val, join(path, "name"))
		}
		if hasNameRe && nameRe.val != nil {
			t.NameRegex, _ = d.checked(nameRe.val, join(path, "name_regex"), checkRegex)
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
	f, _ := d.mapping(n, path, path, doneKeys)
	for k, fd := range f {
		if k != "url" {
			d.errorf(fd.key, join(path, k), "%s is either a target or {url: REGEX}: %s cannot go with url", path, k)
		}
	}
	if v := f["url"].val; v != nil {
		c.URL, _ = d.checked(v, join(path, "url"), checkRegex)
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
