package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// DefaultID, given among the ids to Select, stands for the packs Select would choose without ids.
const DefaultID = "default"

// Select chooses the packs to apply. With no ids: the packs matching the jurisdictions and every pack marked
// default: always (wcag), leaving out packs that are vacated or not yet in force. With ids: those packs, in
// the order given ("default" adds the default ones). Pack ids must be unique across all.
func Select(all []*Pack, ids []string, jurisdictions []string) ([]*Pack, error) {
	byID := map[string]*Pack{}
	for _, p := range all {
		if prev, dup := byID[p.ID]; dup {
			return nil, fmt.Errorf("rule pack %q is defined twice: %s and %s", p.ID, prev.Source, p.Source)
		}
		byID[p.ID] = p
	}
	if len(ids) == 0 {
		ids = []string{DefaultID}
	}
	var out []*Pack
	seen := map[string]bool{}
	add := func(p *Pack) {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == DefaultID {
			for _, p := range all {
				if isDefault(p, jurisdictions) {
					add(p)
				}
			}
			continue
		}
		p, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("unknown rule pack %q; valid packs: %s", id, strings.Join(packIDs(all), ", "))
		}
		add(p)
	}
	return out, nil
}

func isDefault(p *Pack, jurisdictions []string) bool {
	if !p.Status.selectable() {
		return false
	}
	switch p.Default {
	case SelectAlways:
		return true
	case SelectJurisdiction, "":
		return slices.Contains(jurisdictions, p.Jurisdiction)
	}
	return false
}

func packIDs(all []*Pack) []string {
	ids := []string{DefaultID}
	for _, p := range all {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids[1:])
	return ids
}

// Find looks a pack or a rule up by id: a pack id gives the pack and a nil rule; a rule id gives the rule
// and its pack.
func Find(all []*Pack, id string) (*Pack, *Rule, error) {
	for _, p := range all {
		if p.ID == id {
			return p, nil, nil
		}
	}
	for _, p := range all {
		if r := p.Rule(id); r != nil {
			return p, r, nil
		}
	}
	return nil, nil, fmt.Errorf("no rule pack or rule %q; packs: %s", id, strings.Join(packIDs(all)[1:], ", "))
}

// Jurisdictions lists, sorted, the jurisdictions scenarios may name given these packs: the jurisdiction of
// every pack chosen by jurisdiction (a pack applied to every scenario, such as wcag's "intl", names none).
// Pass it as scenario.Options.Jurisdictions, so that a user's pack can add a jurisdiction (fr).
func Jurisdictions(packs []*Pack) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range packs {
		if p.Default == SelectAlways || p.Jurisdiction == "" || seen[p.Jurisdiction] {
			continue
		}
		seen[p.Jurisdiction] = true
		out = append(out, p.Jurisdiction)
	}
	sort.Strings(out)
	return out
}
