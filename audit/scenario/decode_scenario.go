package scenario

import (
	"cmp"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit/device"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

var (
	topKeys = []string{"site", "id", "url", "jurisdictions", "devices", "allow_hosts", "timeouts", "login",
		"session", "start", "check_without_login", "before_cancel", "cancel", "done", "dead_end", "effect",
		"subscribe", "mask_fields"}
	requiredKeys  = []string{"site", "url", "jurisdictions", "cancel"}
	timeoutKeys   = []string{"step", "scenario"}
	subscribeKeys = []string{"before", "steps", "autorenew", "button", "disclosure", "until_payment", "fresh_login", "devices"}
)

// scenario decodes the document's root mapping (yamlfile.Parse has refused an empty document). It always
// returns a Scenario; d.Err says whether it is usable.
func (d *decoder) scenario(root *yaml.Node) *Scenario {
	s := &Scenario{
		Devices:  []string{Desktop},
		Timeouts: Timeouts{Step: DefaultStepTimeout, Scenario: DefaultScenarioTimeout},
	}
	if root.Kind != yaml.MappingNode {
		d.Errorf(root, "", "a scenario is a mapping of keys such as site:, url: and cancel:, got %s", yamlfile.Describe(root))
		return s
	}
	f, _ := d.Mapping(root, "", "a scenario", topKeys)
	for _, k := range requiredKeys {
		if _, ok := f[k]; !ok && !(d.opts.AllowMissingCancel && (k == "cancel" || k == "done")) {
			d.Errorf(root, k, "missing: every scenario needs %s (see scenarios/FORMAT.md)", k)
		}
	}
	// val returns a present key's value, or nil when it is absent (or an alias over budget).
	val := func(k string) *yaml.Node { return f[k].Value }

	if n := val("site"); n != nil {
		s.Site, _ = d.Text(n, "site")
	}
	d.id(s, root, f["id"])
	if n := val("url"); n != nil {
		s.URL, _ = d.Checked(n, "url", func(v string) error { return checkURL(v, false, d.opts.AllowSchemes) })
	}
	if n := val("jurisdictions"); n != nil {
		s.Jurisdictions, _ = d.Words(n, "jurisdictions", "jurisdiction", d.jurisdictions())
	}
	if n := val("devices"); n != nil {
		if ds, ok := d.Words(n, "devices", "device", device.Names()); ok {
			s.Devices = ds
		}
	}
	if n := val("allow_hosts"); n != nil {
		s.AllowHosts = d.hosts(n, "allow_hosts")
	}
	if n := val("timeouts"); n != nil {
		d.timeouts(n, &s.Timeouts)
	}
	d.scenarioTimeout = s.Timeouts.Scenario

	if n := val("login"); n != nil {
		s.Login = d.steps(n, "login", false)
	}
	if n := val("session"); n != nil {
		s.Session = d.session(n)
		if _, both := f["login"]; both {
			d.Errorf(f["session"].Key, "session", "session and login are alternatives: keep one (line %d has login)", f["login"].Key.Line)
		}
	}
	if n := val("start"); n != nil {
		s.Start, _ = d.Checked(n, "start", func(v string) error { return checkURL(v, true, d.opts.AllowSchemes) })
	}
	if n := val("check_without_login"); n != nil {
		s.CheckWithoutLogin, _ = d.Bool(n, "check_without_login")
	}
	d.devices = s.Devices
	if n := val("before_cancel"); n != nil {
		s.BeforeCancel = d.steps(n, "before_cancel", false)
	}
	_, deadEnd := f["dead_end"]
	if n := val("cancel"); n != nil {
		before := d.Len()
		s.Cancel = d.steps(n, "cancel", true)
		d.oneControl(n, len(s.Cancel), d.Len() > before, deadEnd)
	}
	if n := val("done"); n != nil {
		s.Done = d.condition(n, "done")
	}
	switch done, hasDone := f["done"]; {
	case deadEnd && hasDone:
		d.Errorf(done.Key, "done", "done and dead_end are alternatives: a dead end has no done state (line %d has dead_end)", f["dead_end"].Key.Line)
	case !deadEnd && !hasDone && !d.opts.AllowMissingCancel:
		d.Errorf(root, "done", "missing: every scenario needs done (or dead_end, for a site without a cancel control; see scenarios/FORMAT.md)")
	}
	if n := val("dead_end"); n != nil {
		c := d.condition(n, "dead_end")
		s.DeadEnd = &c
	}
	if n := val("effect"); n != nil {
		s.Effect = d.steps(n, "effect", false)
	}
	if n := val("subscribe"); n != nil {
		s.Subscribe = d.subscribe(n, "subscribe")
	}
	if n := val("mask_fields"); n != nil {
		if items, ok := d.List(n, "mask_fields"); ok {
			for i, item := range items {
				if t := d.target(item, yamlfile.Index("mask_fields", i), 0); t != nil {
					s.MaskFields = append(s.MaskFields, *t)
				}
			}
		}
	}
	return s
}

// id sets the scenario's id from the id key, or derives it from the file name.
func (d *decoder) id(s *Scenario, root *yaml.Node, f yamlfile.Field) {
	if f.Key == nil {
		s.ID = deriveID(d.File)
		if s.ID == "" {
			d.Errorf(root, "id", "cannot derive an id from the file name %s: set id:", yamlfile.Quote(filepath.Base(d.File)))
		}
		return
	}
	if f.Value != nil {
		s.ID, _ = d.Checked(f.Value, "id", checkID)
		s.idLine = f.Value.Line
	}
}

// deriveID turns a file name into an id: the base name without extension, lower-cased, every run of
// other characters replaced by one "-", trimmed of "-" at either end, at most 64 characters.
func deriveID(file string) string {
	base := filepath.Base(file)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	id := strings.Trim(b.String(), "-")
	if len(id) > 64 {
		id = strings.TrimRight(id[:64], "-")
	}
	return id
}

func (d *decoder) hosts(n *yaml.Node, path string) []string {
	items, ok := d.List(n, path)
	if !ok {
		return nil
	}
	var out []string
	for i, item := range items {
		if item == nil {
			continue
		}
		if h, ok := d.Checked(item, yamlfile.Index(path, i), checkHost); ok && h != "" {
			out = append(out, strings.ToLower(h))
		}
	}
	return out
}

func (d *decoder) timeouts(n *yaml.Node, t *Timeouts) {
	f, ok := d.Mapping(n, "timeouts", "timeouts", timeoutKeys)
	if !ok {
		return
	}
	for _, tv := range []struct {
		key string
		dst *time.Duration
	}{{"step", &t.Step}, {"scenario", &t.Scenario}} {
		v := f[tv.key].Value
		if v == nil {
			continue
		}
		dur, ok := d.Duration(v, "timeouts."+tv.key)
		if !ok {
			return // comparing the other value with a default would only confuse
		}
		if dur > 0 { // 0: an unset variable under AllowMissingEnv; keep the default
			*tv.dst = dur
		}
	}
	if t.Step > t.Scenario {
		at := cmp.Or(f["step"].Value, f["scenario"].Value)
		d.Errorf(at, "timeouts.step", "step timeout %s is longer than the scenario timeout %s", t.Step, t.Scenario)
	}
}

// session resolves the storage-state file against the scenario's folder and checks that it loads.
func (d *decoder) session(n *yaml.Node) string {
	p, unset, ok := d.String(n, "session")
	if !ok || unset {
		return p
	}
	if p == "" {
		d.Errorf(n, "session", "must not be empty")
		return ""
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(d.File), p)
	}
	if _, err := LoadSession(p); err != nil {
		var list ErrorList
		msg := err.Error()
		if errors.As(err, &list) && len(list) > 1 {
			msg = strings.ReplaceAll(msg, "\n", "; ")
		}
		d.ValueErrorf(n, "session", p, "cannot use the session file: %s", msg)
	}
	return p
}

// oneControl reports a cancel list without exactly one control step (d.controls holds the control: true
// keys found while decoding it). A missing control is not reported when some step was broken: the
// control may be on that step.
func (d *decoder) oneControl(n *yaml.Node, steps int, broken, deadEnd bool) {
	switch {
	case steps == 0 && n.Kind == yaml.SequenceNode:
		d.Errorf(n, "cancel", "must list at least one step")
	case deadEnd && len(d.controls) > 0:
		d.Errorf(d.controls[0].node, d.controls[0].path, "a dead end has no cancel control: remove control: true, or remove dead_end")
		return
	case steps > 0 && len(d.controls) == 0 && !broken && !deadEnd:
		d.Errorf(n, "cancel", "no step has control: true: mark the one click on the cancel control (or declare dead_end for a site without one)")
	}
	for _, c := range d.controls[min(1, len(d.controls)):] {
		d.Errorf(c.node, c.path, "a second step has control: true (the first is at line %d): exactly one step is the cancel control", d.controls[0].node.Line)
	}
}

func (d *decoder) subscribe(n *yaml.Node, path string) *Subscribe {
	f, ok := d.Mapping(n, path, "subscribe", subscribeKeys)
	if !ok {
		return nil
	}
	sub := &Subscribe{Line: n.Line}
	if v := f["devices"].Value; v != nil {
		sub.Devices = d.stepDevices(v, yamlfile.Join(path, "devices"))
	}
	if v := f["before"].Value; v != nil {
		sub.Before = d.steps(v, yamlfile.Join(path, "before"), false)
	}
	if v := f["steps"].Value; v != nil {
		sub.Steps = d.steps(v, yamlfile.Join(path, "steps"), false)
		if len(sub.Steps) == 0 && v.Kind == yaml.SequenceNode {
			d.Errorf(v, yamlfile.Join(path, "steps"), "must list at least one step")
		}
	} else if _, present := f["steps"]; !present {
		d.Errorf(n, yamlfile.Join(path, "steps"), "missing: subscribe needs steps")
	}
	if v := f["autorenew"].Value; v != nil {
		sub.Autorenew = d.target(v, yamlfile.Join(path, "autorenew"), 0)
	}
	if v := f["button"].Value; v != nil {
		sub.Button = d.target(v, yamlfile.Join(path, "button"), 0)
	}
	if v := f["disclosure"].Value; v != nil {
		sub.Disclosure = d.target(v, yamlfile.Join(path, "disclosure"), 0)
	}
	if v := f["until_payment"].Value; v != nil {
		sub.UntilPayment, _ = d.Bool(v, yamlfile.Join(path, "until_payment"))
	}
	if v := f["fresh_login"].Value; v != nil {
		sub.FreshLogin, _ = d.Bool(v, yamlfile.Join(path, "fresh_login"))
	}
	return sub
}

// finishSecrets returns the collected secrets without repeats, longest first.
func (d *decoder) finishSecrets() []string {
	s := slices.Clone(d.secrets)
	slices.SortFunc(s, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(s)
}

// DefaultJurisdictions are the jurisdictions of the bundled rule packs (audit/rules/packs, whose tests keep
// the two lists equal): what a scenario may name when Options.Jurisdictions is nil.
func DefaultJurisdictions() []string {
	return []string{"cn", "de", "eu", "uk", "us-ca", "us-ftc", "us-ma", "us-mn", "us-ny"}
}

// jurisdictions are the names a scenario may list: the loaded rule packs' (Options.Jurisdictions), or the
// bundled packs'.
func (d *decoder) jurisdictions() []string {
	if d.opts.Jurisdictions != nil {
		return d.opts.Jurisdictions
	}
	return DefaultJurisdictions()
}
