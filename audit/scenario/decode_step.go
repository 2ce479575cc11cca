package scenario

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit/device"
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

// steps decodes a list of steps. Steps with problems are kept (the problems are in d.errs) so that
// later checks, such as counting control steps, see the whole list.
func (d *decoder) steps(n *yaml.Node, path string, cancel bool) []Step {
	items, ok := d.list(n, path)
	if !ok {
		return nil
	}
	out := make([]Step, 0, len(items))
	for i, item := range items {
		if item != nil {
			out = append(out, d.step(item, index(path, i), cancel))
		}
	}
	return out
}

func (d *decoder) step(n *yaml.Node, path string, cancel bool) Step {
	st := Step{Line: n.Line}
	if n.Kind == yaml.ScalarNode {
		d.errorf(n, path, "a step is a mapping such as `click: 退订`, got %s %s", describe(n), describeValue(n))
		return st
	}
	f, ok := d.mapping(n, path, "a step", stepKeys)
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
		return cmp.Or(cmp.Compare(f[a].key.Line, f[b].key.Line), cmp.Compare(f[a].key.Column, f[b].key.Column))
	})
	switch len(acts) {
	case 0:
		d.errorf(n, path, "the step has no action: give one of %s", strings.Join(actionNames(), ", "))
		return st
	case 1:
	default:
		second := f[acts[1]].key
		d.errorf(second, join(path, acts[1]), "a step has one action, and this one already has %s (line %d): split it into two steps",
			acts[0], f[acts[0]].key.Line)
	}
	st.Action = Action(acts[0])
	if v := f[acts[0]].val; v != nil {
		d.argument(&st, v, join(path, acts[0]))
	}
	d.modifiers(&st, f, path, cancel)
	return st
}

// argument decodes the value of the action key.
func (d *decoder) argument(st *Step, v *yaml.Node, path string) {
	switch st.Action {
	case Goto:
		st.URL, _ = d.checked(v, path, func(s string) error { return checkURL(s, true, d.opts.AllowSchemes) })
	case Press:
		if s, unset, ok := d.str(v, path); ok && !unset {
			key, err := canonicalKey(s)
			if err != nil {
				d.valueErrorf(v, path, s, "%v", err)
			}
			st.Value = key
		}
	case Wait:
		if dur, ok := d.duration(v, path); ok {
			st.Duration = dur
			if d.scenarioTimeout > 0 && dur >= d.scenarioTimeout {
				d.errorf(v, path, "wait %s is not shorter than the scenario timeout %s", dur, d.scenarioTimeout)
			}
		}
	case Screenshot:
		st.Name, _ = d.checked(v, path, checkScreenshotName)
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
		return fmt.Errorf("screenshot name %s must not contain / or \\ or start with a dot", quote(s))
	}
	return nil
}

// modifiers decodes the step's arguments and modifiers and checks that each fits the action and section.
func (d *decoder) modifiers(st *Step, f map[string]field, path string, cancel bool) {
	for key, fd := range f {
		if slices.Contains(Actions, Action(key)) {
			continue
		}
		kpath := join(path, key)
		if key == "control" {
			if !cancel {
				d.errorf(fd.key, kpath, "control marks the click on the cancel control: it belongs on a cancel step only")
				continue
			}
			// Counted even where it does not fit, so that one misplaced control is one problem, not two.
			if fd.val != nil {
				st.Control, _ = d.boolean(fd.val, kpath)
			}
			if st.Control {
				d.controls = append(d.controls, located{fd.key, kpath})
			}
		}
		if allowed, limited := fits[key]; limited && !slices.Contains(allowed, st.Action) {
			d.errorf(fd.key, kpath, "%s does not apply to %s%s", key, st.Action, fitHint(key))
			continue
		}
		if fd.val == nil {
			continue
		}
		switch key {
		case "value", "option":
			st.Value, _, _ = d.str(fd.val, kpath)
			if key == "value" && len(d.lastUsed) > 0 && st.Value != "" {
				d.secrets = append(d.secrets, st.Value)
			}
			if key == "option" && st.Value == "" && fd.val.ShortTag() != "!!null" {
				d.errorf(fd.val, kpath, "must not be empty: give the option's visible label")
			}
		case "name":
			st.Name, _ = d.text(fd.val, kpath)
		case "timeout":
			if dur, ok := d.duration(fd.val, kpath); ok {
				st.Timeout = dur
				if d.scenarioTimeout > 0 && dur > d.scenarioTimeout {
					d.errorf(fd.val, kpath, "timeout %s is longer than the scenario timeout %s", dur, d.scenarioTimeout)
				}
			}
		case "absent":
			st.Absent, _ = d.boolean(fd.val, kpath)
		case "optional":
			st.Optional, _ = d.boolean(fd.val, kpath)
		case "secret":
			st.Secret, _ = d.boolean(fd.val, kpath)
		case "devices":
			st.Devices = d.stepDevices(fd.val, kpath)
		}
	}
	if st.Control && len(st.Devices) > 0 {
		d.errorf(f["devices"].key, join(path, "devices"), "the cancel control is the same on every device: limit the steps on the way to it instead")
	}
	for _, need := range [...]struct {
		action Action
		key    string
		what   string
	}{{Fill, "value", "the text to type"}, {Select, "option", "the visible label of the option to pick"}} {
		if _, ok := f[need.key]; st.Action == need.action && !ok {
			d.errorf(f[string(need.action)].key, join(path, need.key), "%s needs %s: %s", need.action, need.key, need.what)
		}
	}
	if st.Control && st.Optional {
		d.errorf(f["optional"].key, join(path, "optional"), "the cancel control cannot be optional: a missing control is the finding (no_control)")
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
	ds, ok := d.words(n, path, "device", device.Names())
	if !ok {
		return nil
	}
	for i, dev := range ds {
		if len(d.devices) > 0 && !slices.Contains(d.devices, dev) {
			d.errorf(n, index(path, i), "%s is not one of the scenario's devices (%s): the step would never run", dev, strings.Join(d.devices, ", "))
		}
	}
	return ds
}
