package rules

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// sourceLimits is testdata/unverifiable-sources.yaml: what the project's source notes forbid citing, or allow
// only as unverified.
type sourceLimits struct {
	Never []struct {
		Text string `yaml:"text"`
		Why  string `yaml:"why"`
	} `yaml:"never"`
	Unverified []struct {
		Pattern string `yaml:"pattern"`
		Why     string `yaml:"why"`
	} `yaml:"unverified"`
	Qualified []struct {
		Text    string `yaml:"text"`
		MustSay string `yaml:"must_say"`
		Why     string `yaml:"why"`
	} `yaml:"qualified"`
}

func loadSourceLimits(t *testing.T) sourceLimits {
	t.Helper()
	b, err := os.ReadFile("testdata/unverifiable-sources.yaml")
	require.NoError(t, err)
	var l sourceLimits
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&l))
	require.NotEmpty(t, l.Never)
	require.NotEmpty(t, l.Unverified)
	return l
}

// ruleTexts are the texts of a rule that cite or quote something (the unverified note itself is not one).
func ruleTexts(r *Rule) map[string]string {
	return map[string]string{"title": r.Title, "citation": r.Citation, "requirement": r.Requirement,
		"source": r.Source, "note": r.Note}
}

// Every rule says what it rests on, and how sure that is: citation, requirement, quote, basis and status
// filled; every pack says when it was last checked.
func TestRulesCitationsAndStatusesFilled(t *testing.T) {
	packs := bundled(t)
	for _, p := range packs {
		assert.NotEmpty(t, p.Checked, "%s: checked: the date its text was last checked", p.ID)
		if p.Checked != "" {
			_, err := time.Parse(time.DateOnly, p.Checked)
			assert.NoError(t, err, p.ID)
		}
		assert.Contains(t, statuses(), p.Status, p.ID)
		for _, r := range p.Rules {
			assert.NotEmpty(t, strings.TrimSpace(r.Citation), "%s: citation", r.ID)
			assert.NotEmpty(t, strings.TrimSpace(r.Requirement), "%s: requirement", r.ID)
			assert.Contains(t, []Quote{QuoteVerbatim, QuoteExcerpt, QuoteParaphrase}, r.Quote, "%s: quote", r.ID)
			assert.Contains(t, []Basis{BasisLaw, BasisInterpretation, BasisStandard}, r.Basis, "%s: basis", r.ID)
			assert.Contains(t, statuses(), r.Status, "%s: status", r.ID)
			if r.Status == StatusAppliesFrom || r.Status == StatusVacated {
				assert.NotEmpty(t, r.Since, "%s: since", r.ID)
			}
			if r.Basis == BasisInterpretation {
				assert.NotEmpty(t, r.Source, "%s: an interpretation says whose", r.ID)
			}
			// An unverified text cannot claim to be the source's own words.
			if r.Unverified != "" {
				assert.NotEqual(t, QuoteVerbatim, r.Quote, "%s: unverified and verbatim", r.ID)
			}
			// A duty the engine cannot test is listed, never scored.
			if r.Check == nil {
				assert.NotEmpty(t, r.NotMeasured, r.ID)
				assert.Equal(t, Info, r.Severity, r.ID)
				assert.Zero(t, r.Weight, r.ID)
				assert.Nil(t, r.Cap, r.ID)
			}
		}
	}
}

// No pack names a source the notes mark unverifiable, or cites an unverified one as if it were verified.
func TestRulesCiteNothingUnverifiable(t *testing.T) {
	limits := loadSourceLimits(t)
	packs := bundled(t)
	for _, p := range packs {
		texts := map[string]string{"title": p.Title, "description": p.Description}
		for field, s := range texts {
			for _, u := range limits.Unverified {
				assert.NotRegexp(t, u.Pattern, s, "%s %s: %s", p.ID, field, u.Why)
			}
		}
		for _, r := range p.Rules {
			for field, s := range ruleTexts(r) {
				texts[r.ID+" "+field] = s
				for _, u := range limits.Unverified {
					if regexp.MustCompile(u.Pattern).MatchString(s) {
						assert.NotEmpty(t, r.Unverified, "%s %s cites what is unverified without saying so: %s", r.ID,
							field, u.Why)
					}
				}
			}
		}
		for where, s := range texts {
			for _, n := range limits.Never {
				assert.NotContains(t, s, n.Text, "%s %s: %s", p.ID, where, n.Why)
			}
			for _, q := range limits.Qualified {
				if strings.Contains(s, q.Text) {
					assert.Contains(t, s, q.MustSay, "%s %s: %s", p.ID, where, q.Why)
				}
			}
		}
	}
}

// The limits themselves bite: each would catch the mistake it is there for.
func TestRulesSourceLimitsCatchTheOldMistakes(t *testing.T) {
	limits := loadSourceLimits(t)
	old := map[string]string{
		"de.confirm-no-offers (2026-11)": "BGH I ZR 200/25 (2026, wie berichtet): Rückgewinnungsangebote unzulässig",
		"us-ca.effect (2026-11)":         "Cal. Bus. & Prof. Code § 17602(d)",
		"uk.effect (2026-11)":            "DMCC Act 2024 s.261",
		"cn.cancel-route (one source)":   "《互联网平台价格行为规则》第二十条",
		"cn.control-exists (amended)":    "……显著、简便的随时取消或者变更的选项……",
	}
	for name, s := range old {
		caught := false
		for _, n := range limits.Never {
			caught = caught || strings.Contains(s, n.Text)
		}
		for _, u := range limits.Unverified {
			caught = caught || regexp.MustCompile(u.Pattern).MatchString(s)
		}
		assert.True(t, caught, "%s is not caught: %s", name, s)
	}
	for _, q := range limits.Qualified {
		assert.NotContains(t, "EN 301 549 makes SC 2.5.8 the yardstick", q.MustSay)
	}
}

// The Digital Services Act binds platforms only and yields to the UCPD (Art. 25(2)): cited second, never as
// the rule that counts.
func TestRulesDSANeverThePrimaryBasis(t *testing.T) {
	for _, p := range bundled(t) {
		for _, r := range p.Rules {
			if strings.Contains(r.Citation, "2022/2065") || strings.Contains(r.Citation, "Digital Services Act") {
				assert.Zero(t, r.Weight, r.ID)
				assert.Equal(t, Info, r.Severity, r.ID)
			}
		}
	}
	eu := pack(t, bundled(t), "eu")
	assert.Contains(t, eu.Rule("eu.ucpd-no-barriers").Citation, "Art. 9(d)")
}
