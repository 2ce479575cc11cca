package scenario

import (
	"os"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// maxWithin bounds how deep `within:` nests. It also stops an alias that refers to its own container
// (`&t {within: *t}`), which YAML allows and which would otherwise never end before the alias budget.
const maxWithin = 8

// decoder walks a scenario's node tree with the shared strict readers (yamlfile.Decoder), expanding ${VAR}
// in every string value and keeping what the scenario's checks need across sections.
type decoder struct {
	*yamlfile.Decoder
	opts    Options
	lookup  func(string) (string, bool)
	secrets []string
	// lastUsed are the variable values the last string read expanded: a fill value made of variables is
	// typed into a form, so it is a credential whatever the variable's name.
	lastUsed []string

	scenarioTimeout time.Duration // bounds step timeouts and waits
	controls        []located     // the control: true keys of the cancel steps
	devices         []string      // the scenario's devices, once decoded (steps may name only these)
}

func newDecoder(file string, opts Options) *decoder {
	d := &decoder{Decoder: &yamlfile.Decoder{File: file}, opts: opts, lookup: opts.Env}
	if d.lookup == nil {
		d.lookup = os.LookupEnv
	}
	d.Expand = d.expandVars
	d.Mask = d.maskSecrets
	return d
}

// located is a node with its field path, kept for a later check.
type located struct {
	node *yaml.Node
	path string
}

// expandVars substitutes ${VAR} in a string value (the Decoder's Expand hook) and collects the secrets it
// used. A missing variable is a problem, unless Options.AllowMissingEnv: then it expands to "" and unset
// tells that the value cannot be checked further.
func (d *decoder) expandVars(n *yaml.Node, path, s string) (value string, unset, ok bool) {
	x := expand(s, d.lookup)
	if x.broken != "" {
		d.Errorf(n, path, "%s", x.broken)
		return "", false, false
	}
	for _, v := range x.secret {
		if v != "" {
			d.secrets = append(d.secrets, v)
		}
	}
	d.lastUsed = x.used
	if len(x.unset) > 0 && !d.opts.AllowMissingEnv {
		for _, name := range x.unset {
			d.Errorf(n, path, "variable %s is not set (set it in the environment or an env file)", name)
		}
		return "", false, false
	}
	return x.value, len(x.unset) > 0, true
}

// maskSecrets hides, in a message that may quote value, the secrets found in value (the Decoder's Mask hook).
func (d *decoder) maskSecrets(msg, value string) string {
	var in []string
	for _, s := range d.secrets {
		if strings.Contains(value, s) {
			in = append(in, s)
		}
	}
	return mask(msg, in)
}
