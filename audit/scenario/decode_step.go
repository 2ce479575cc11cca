package scenario

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit/device"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// stepKeys are every key a step may have: one action, plus arguments and modifiers.
var stepKeys = append(actionNames(),
	"value", "option", "absent", "timeout", "optional", "name", "control", "secret", "devices")

func actionNames() []string {
	names := make([]string, len(Actions))
	for i, a := range Actions {
		names[i] = string(a)
	}
	return names
}

// targetActions take a target as their argument.
var targetActions = []Action{Click, Hover, Fill, Select, Check, Uncheck, WaitFor, Expect}

// fits says which actions take each argument or modifier; a key absent here fits every action.
var fits = map[string][]Action{
	"value":    {Fill},
	"option":   {Select},
	"absent":   {Expect},
	"secret":   {Fill},
	"control":  {Click, Check, Uncheck, Select},
	"optional": targetActions,
	"timeout":  {Goto, Click, Hover, Fill, Select, Check, Uncheck, Press, WaitFor, Expect, Screenshot},
	"name":     {Goto, Click, Hover, Fill, Select, Check, Uncheck, Press, Wait, WaitFor, Expect},
}

// steps decodes a list of steps. Steps with problems are kept (the problems are in the decoder) so that
// later checks, such as counting control steps, see the whole list.
func (d *decoder) steps(n *yaml.Node, path string, cancel bool) []Step {
	items, ok := d.List(n, path)
	if !ok {
		return nil
	}
	out := make([]Step, 0, len(items))
	for i, item := range items {
		if item != nil {
			out = append(out, d.step(item, yamlfile.Index(path, i), cancel))
		}
	}
	return out
}

func (d *decoder) step(n *yaml.Node, path string, cancel bool) Step {
	st := Step{Line: n.Line}
	if n.Kind == yaml.ScalarNode {
		d.Errorf(n, path, "a step is a mapping such as `click: 退订`, got %s %s", yamlfile.Describe(n), yamlfile.DescribeValue(n))
		return st
	}
	f, ok := d.Mapping(n, path, "a step", stepKeys)
	if !ok {
		return st
	}
	var acts []string
	for _, a := range Actions {
		if _, ok := f[string(a)]; ok {
			acts = append(acts, string(a))
		}
	}
	slices.SortFunc(acts, func(a, b string) int {
		return cmp.Or(cmp.Compare(f[a].Key.Line, f[b].Key.Line), cmp.Compare(f[a].Key.Column, f[b].Key.Column))
	})
	switch len(acts) {
	case 0:
		d.Errorf(n, path, "the step has no action: give one of %s", strings.Join(actionNames(), ", "))
		return st
	case 1:
	default:
		second := f[acts[1]].Key
		d.Errorf(second, yamlfile.Join(path, acts[1]), "a step has one action, and this one already has %s (line %d): split it into two steps",
			acts[0], f[acts[0]].Key.Line)
	}
	st.Action = Action(acts[0])
	if v := f[acts[0]].Value; v != nil {
		d.argument(&st, v, yamlfile.Join(path, acts[0]))
	}
	d.modifiers(&st, f, path, cancel)
	return st
}

// argument decodes the value of the action key.
func (d *decoder) argument(st *Step, v *yaml.Node, path string) {
	switch st.Action {
	case Goto:
		st.URL, _ = d.Checked(v, path, func(s string) error { return checkURL(s, true, d.opts.AllowSchemes) })
	case Press:
		if s, unset, ok := d.String(v, path); ok && !unset {
			key, err := canonicalKey(s)
			if err != nil {
				d.ValueErrorf(v, path, s, "%v", err)
			}
			st.Value = key
		}
	case Wait:
		if dur, ok := d.Duration(v, path); ok {
			st.Duration = dur
			if d.scenarioTimeout > 0 && dur >= d.scenarioTimeout {
				d.Errorf(v, path, "wait %s is not shorter than the scenario timeout %s", dur, d.scenarioTimeout)
			}
		}
	case Screenshot:
		st.Name, _ = d.Checked(v, path, checkScreenshotName)
	default:
		st.Target = d.target(v, path, 0)
	}
}

// checkScreenshotName keeps screenshot names usable as file names.
func checkScreenshotName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("empty screenshot name")
	}
	if strings.ContainsAny(s, `/\`) || strings.HasPrefix(s, ".") {
		return fmt.Errorf("screenshot name %s must not contain / or \\ or start with a dot", yamlfile.Quote(s))
	}
	return nil
}

// modifiers decodes the step's arguments and modifiers and checks that each fits the action and section.
func (d *decoder) modifiers(st *Step, f yamlfile.Fields, path string, cancel bool) {
	for key, fd := range f {
		if slices.Contains(Actions, Action(key)) {
			continue
		}
		kpath := yamlfile.Join(path, key)
		if key == "control" {
			if !cancel {
				d.Errorf(fd.Key, kpath, "control marks the click on the cancel control: it belongs on a cancel step only")
				continue
			}
			// Counted even where it does not fit, so that one misplaced control is one problem, not two.
			if fd.Value != nil {
				st.Control, _ = d.Bool(fd.Value, kpath)
			}
			if st.Control {
				d.controls = append(d.controls, located{fd.Key, kpath})
			}
		}
		if allowed, limited := fits[key]; limited && !slices.Contains(allowed, st.Action) {
			d.Errorf(fd.Key, kpath, "%s does not apply to %s%s", key, st.Action, fitHint(key))
			continue
		}
		if fd.Value == nil {
			continue
		}
		switch key {
		case "value", "option":
			st.Value, _, _ = d.String(fd.Value, kpath)
			if key == "value" && len(d.lastUsed) > 0 && st.Value != "" {
				d.secrets = append(d.secrets, st.Value)
			}
			if key == "option" && st.Value == "" && fd.Value.ShortTag() != "!!null" {
				d.Errorf(fd.Value, kpath, "must not be empty: give the option's visible label")
			}
		case "name":
			st.Name, _ = d.Text(fd.Value, kpath)
		case "timeout":
			if dur, ok := d.Duration(fd.Value, kpath); ok {
				st.Timeout = dur
				if d.scenarioTimeout > 0 && dur > d.scenarioTimeout {
					d.Errorf(fd.Value, kpath, "timeout %s is longer than the scenario timeout %s", dur, d.scenarioTimeout)
				}
			}
		case "absent":
			st.Absent, _ = d.Bool(fd.Value, kpath)
		case "optional":
			st.Optional, _ = d.Bool(fd.Value, kpath)
		case "secret":
			st.Secret, _ = d.Bool(fd.Value, kpath)
		case "devices":
			st.Devices = d.stepDevices(fd.Value, kpath)
		}
	}
	if st.Control && len(st.Devices) > 0 {
		d.Errorf(f["devices"].Key, yamlfile.Join(path, "devices"), "the cancel control is the same on every device: limit the steps on the way to it instead")
	}
	for _, need := range [...]struct {
		action Action
		key    string
		what   string
	}{{Fill, "value", "the text to type"}, {Select, "option", "the visible label of the option to pick"}} {
		if _, ok := f[need.key]; st.Action == need.action && !ok {
			d.Errorf(f[string(need.action)].Key, yamlfile.Join(path, need.key), "%s needs %s: %s", need.action, need.key, need.what)
		}
	}
	if st.Control && st.Optional {
		d.Errorf(f["optional"].Key, yamlfile.Join(path, "optional"), "the cancel control cannot be optional: a missing control is the finding (no_control)")
	}
	if st.Secret && st.Value != "" {
		d.secrets = append(d.secrets, st.Value)
	}
}

// fitHint says which actions take a key, for "does not apply" messages.
func fitHint(key string) string {
	switch key {
	case "timeout":
		return ": wait's argument is its duration"
	case "name":
		return ": screenshot's argument is its name"
	case "optional":
		return ": only steps with a target can be optional"
	}
	allowed := fits[key]
	if len(allowed) == 1 {
		return fmt.Sprintf(": only %s takes %s", allowed[0], key)
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return fmt.Sprintf(": only %s take %s", strings.Join(names, ", "), key)
}

// stepDevices decodes a step's or section's devices: names among the scenario's own devices.
func (d *decoder) stepDevices(n *yaml.Node, path string) []string {
	ds, ok := d.Words(n, path, "device", device.Names())
	if !ok {
		return nil
	}
	for i, dev := range ds {
		if len(d.devices) > 0 && !slices.Contains(d.devices, dev) {
			d.Errorf(n, yamlfile.Index(path, i), "%s is not one of the scenario's devices (%s): the step would never run", dev, strings.Join(d.devices, ", "))
		}
	}
	return ds
}
