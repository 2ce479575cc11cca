package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// What a scenario may name without --rules-file is exactly what the bundled packs cover.
func TestRulesJurisdictionsAreTheScenarioLoadersDefault(t *testing.T) {
	packs := bundled(t)
	assert.Equal(t, scenario.DefaultJurisdictions(), Jurisdictions(packs))
	assert.NotContains(t, Jurisdictions(packs), "intl", "wcag applies to every scenario: naming it adds nothing")
}

// A user's pack adds its jurisdiction, and a scenario that names it loads and gets the pack by default.
func TestRulesUserPackAddsAJurisdiction(t *testing.T) {
	fr, err := ParsePack([]byte(`id: fr
title: France – résiliation en trois clics
jurisdiction: fr
status: applies_from
since: 2023-06-01
checked: 2026-12-04
rules:
  - id: fr.three-clicks
    title: Résiliation en trois clics
    citation: Code de la consommation (article non vérifié)
    requirement: La résiliation se fait en trois clics au plus.
    quote: paraphrase
    unverified: the article number
    basis: interpretation
    source: ma lecture
    check: {metric: clicks_to_done, op: "<=", value: 3}
    severity: major
    weight: 3
`), "fr.yaml")
	require.NoError(t, err)
	packs := append(bundled(t), fr)
	const doc = "site: S\nurl: https://example.test/\njurisdictions: [fr, eu]\ncancel:\n  - click: Résilier\n" +
		"    control: true\ndone: Résilié\n"

	_, err = scenario.Parse("s.yaml", []byte(doc), scenario.Options{})
	require.Error(t, err, "the bundled packs know no fr")
	assert.Contains(t, err.Error(), `unknown jurisdiction "fr"`)

	sc, err := scenario.Parse("s.yaml", []byte(doc), scenario.Options{Jurisdictions: Jurisdictions(packs)})
	require.NoError(t, err)
	assert.Equal(t, []string{"fr", "eu"}, sc.Jurisdictions)
	sel, err := Select(packs, nil, sc.Jurisdictions)
	require.NoError(t, err)
	var ids []string
	for _, p := range sel {
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"eu", "wcag", "fr"}, ids)
}
