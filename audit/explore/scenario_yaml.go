package explore

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// ScenarioYAML writes a scenario whose cancel steps are the shortest path found, ending with the click on
// the control (marked control: true). done is left empty: the user adds what the page shows once the
// cancellation took effect, and the steps after the control (a confirm button, retention screens).
//
// source is the scenario file the search ran from: its other keys, comments and ${VAR}s are kept, and only
// cancel and done are replaced. Without it (a search from a bare URL) a new scenario is written from sc.
func (r *Result) ScenarioYAML(sc *scenario.Scenario, source []byte) ([]byte, error) {
	if r.Shortest == nil {
		return nil, errors.New("no cancel control was found: there is no path to write")
	}
	var root *yaml.Node
	if source != nil {
		var doc yaml.Node
		if err := yaml.Unmarshal(source, &doc); err != nil {
			return nil, fmt.Errorf("scenario source: %w", err)
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			return nil, errors.New("scenario source: not a mapping")
		}
		root = doc.Content[0]
	} else {
		root = newScenarioNode(sc, r.Device)
	}
	cancelKey := setKey(root, "cancel", r.cancelNode())
	cancelKey.HeadComment = r.provenance()
	doneKey := setKey(root, "done", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null",
		LineComment: "TODO: what the page shows once cancelled, e.g. 已关闭 or {url: \"/cancelled$\"}"})
	doneKey.HeadComment = "Add the steps after the control (a confirm button, retention screens) to cancel first."
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("write scenario: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write scenario: %w", err)
	}
	return buf.Bytes(), nil
}

// provenance is the comment above the cancel steps.
func (r *Result) provenance() string {
	p := r.Shortest
	levels := "not measured"
	if p.LevelsToControl != nil {
		levels = strconv.Itoa(*p.LevelsToControl)
	}
	return fmt.Sprintf("Found by `cancelpath explore` on %s (%s, %s): the shortest path to the cancel control,\n"+
		"%s (the control's included), %s levels, %s.", r.StartedAt.Format("2006-01-02"), r.Device,
		r.Browser, plural(p.ClicksToControl, "click"), levels, plural(p.HoversToControl, "hover"))
}

// cancelNode is the path as scenario steps.
func (r *Result) cancelNode() *yaml.Node {
	p := r.Shortest
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range p.Steps {
		step := mapping(str(s.Action), targetNode(s.Target))
		if s.Option != "" {
			step.Content = append(step.Content, str("option"), str(s.Option))
		}
		seq.Content = append(seq.Content, step)
	}
	action := "click"
	if p.Control.Action != "" {
		action = p.Control.Action
	}
	control := mapping(str(action), targetNode(p.Control.Target))
	if p.Control.Option != "" {
		control.Content = append(control.Content, str("option"), str(p.Control.Option))
	}
	control.Content = append(control.Content, str("control"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	control.Content[len(control.Content)-1].LineComment = fmt.Sprintf("the cancel control (%s, matched %q)", p.Control.Kind, p.Control.Match)
	seq.Content = append(seq.Content, control)
	return seq
}

// newScenarioNode is a scenario for a site searched from its URL: without login or start page, the URL is
// the start page (the engine opens nothing otherwise).
func newScenarioNode(sc *scenario.Scenario, device string) *yaml.Node {
	root := mapping(str("site"), str(sc.Site), str("id"), str(sc.ID), str("url"), str(sc.URL),
		str("jurisdictions"), flowList(sc.Jurisdictions), str("devices"), flowList([]string{device}))
	if len(sc.AllowHosts) > 0 {
		root.Content = append(root.Content, str("allow_hosts"), flowList(sc.AllowHosts))
	}
	if start := landingScenario(sc).Start; start != "" {
		root.Content = append(root.Content, str("start"), str(start))
	}
	return root
}

// setKey sets key's value in a mapping, appending the key when absent, and returns the key node.
func setKey(m *yaml.Node, key string, val *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = val
			return m.Content[i]
		}
	}
	k := str(key)
	m.Content = append(m.Content, k, val)
	return k
}

// targetNode writes a target as the format's short form when it can: a plain string is exact text.
func targetNode(t *scenario.Target) *yaml.Node {
	if t.Text != "" && t.Nth == 0 && t.Within == nil {
		return str(t.Text)
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	for _, kv := range [][2]string{{"text", t.Text}, {"role", t.Role}, {"name", t.Name}, {"css", t.CSS}} {
		if kv[1] != "" {
			m.Content = append(m.Content, str(kv[0]), str(kv[1]))
		}
	}
	if t.Within != nil {
		w := targetNode(t.Within)
		if w.Kind == yaml.ScalarNode { // within's short form would read as css: spell out the text
			w = mapping(str("text"), w)
			w.Style = yaml.FlowStyle
		}
		m.Content = append(m.Content, str("within"), w)
	}
	if t.Nth != 0 {
		m.Content = append(m.Content, str("nth"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(t.Nth)})
	}
	return m
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func mapping(kv ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Content: kv} }

func flowList(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, it := range items {
		n.Content = append(n.Content, str(it))
	}
	return n
}
