package rules

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRulesBundledPacksLoad(t *testing.T) {
	packs := bundled(t)
	ids := make([]string, len(packs))
	for i, p := range packs {
		ids[i] = p.ID
		assert.NotEmpty(t, p.Title, p.ID)
		assert.Equal(t, "bundled:"+p.ID+".yaml", p.Source)
		for _, r := range p.Rules {
			assert.True(t, strings.HasPrefix(r.ID, p.ID+"."), "rule %s is named after its pack", r.ID)
			assert.NotEmpty(t, r.Citation, r.ID)
			assert.NotEmpty(t, r.Requirement, r.ID)
			// Weight 0 only for a gate (a rule whose failure caps the score without moving it otherwise) or a
			// hint (info: a reading too uncertain to score, a duty not measured).
			if r.Weight == 0 {
				assert.True(t, r.Cap != nil || r.Severity == Info, "%s weighs nothing and caps nothing", r.ID)
			} else {
				assert.Positive(t, r.Weight, r.ID)
			}
		}
	}
	assert.Equal(t, []string{"cn", "cn-sector", "de", "eu", "uk", "us-ca", "us-ftc", "us-ftc-2024", "us-ma", "us-mn",
		"us-ny", "wcag"}, ids)

	// The statuses the issues ask for.
	assert.Equal(t, StatusVacated, pack(t, packs, "us-ftc-2024").Status)
	assert.Contains(t, pack(t, packs, "us-ftc-2024").Description, "2026-03-11", "the advance notice")
	uk := pack(t, packs, "uk")
	assert.Equal(t, StatusInForce, uk.Status, "Part 4 Chapter 1 applies now")
	assert.Equal(t, "2025-04-06", uk.Since)
	for _, id := range []string{"uk.key-information", "uk.end-online", "uk.no-unnecessary-steps"} {
		assert.Equal(t, StatusNotYetInForce, uk.Rule(id).Status, "%s: Chapter 2 is announced for 2027", id)
		assert.Equal(t, "2027-01", uk.Rule(id).Since, id)
	}
	cn := pack(t, packs, "cn")
	for _, id := range []string{"cn.cancel-route-disclosed", "cn.charge-notices"} {
		assert.Equal(t, "2026-04-10", cn.Rule(id).Since, "%s: 互联网平台价格行为规则", id)
	}
	assert.NotContains(t, cn.Rule("cn.control-exists").Requirement, "五日", "Art. 18 as amended in 2025")
	assert.Contains(t, cn.Rule("cn.no-precheck").Citation, "工信部信管函〔2023〕26号")
	assert.NotContains(t, cn.Rule("cn.no-precheck").Citation, "电子商务法")
	assert.Equal(t, SelectNever, pack(t, packs, "cn-sector").Default, "sector rules bind their sector only")
	eu := pack(t, packs, "eu")
	assert.Equal(t, StatusAppliesFrom, eu.Rule("eu.withdrawal-function").Status)
	assert.Equal(t, "2026-06-19", eu.Rule("eu.withdrawal-function").Since)
	assert.Empty(t, eu.Since, "the pack's rules are not the DSA's date")
	for id, since := range map[string]string{"us-ny": "2025-11-05", "us-ma": "2025-09-02", "us-mn": "2025-01-01"} {
		assert.Equal(t, StatusAppliesFrom, pack(t, packs, id).Status, id)
		assert.Equal(t, since, pack(t, packs, id).Since, id)
	}
	// Click and level thresholds are interpretation, never law.
	for _, id := range []string{"cn.clicks-to-control", "cn.levels-to-control", "cn.not-buried", "cn.clicks-to-done"} {
		assert.Equal(t, BasisInterpretation, cn.Rule(id).Basis, id)
	}
}

func TestRulesLoadPackFileGood(t *testing.T) {
	p, err := LoadPackFile("testdata/good.yaml")
	require.NoError(t, err)
	assert.Equal(t, "acme", p.ID)
	assert.Equal(t, "testdata/good.yaml", p.Source)
	require.Len(t, p.Rules, 2)
	assert.Equal(t, "cn", p.Rules[0].Jurisdiction, "inherited from the pack")
	assert.Equal(t, StatusInForce, p.Rules[1].Status, "inherited from the pack")
	assert.Equal(t, "clicks_to_control <= 2", p.Rules[0].Check.String())
	assert.Equal(t, "control_label matches /取消|退订/", p.Rules[1].Check.String())
}

func TestRulesLoadPackFileErrors(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string // each a whole line of the error
	}{
		{"unknown-key.yaml", []string{
			"testdata/unknown-key.yaml:6: rules[0].weight: missing (required)",
			`testdata/unknown-key.yaml:14: rules[0].weigth: unknown key "weigth" in a rule: did you mean "weight"?`,
		}},
		{"unknown-metric.yaml", []string{
			`testdata/unknown-metric.yaml:13: rules[0].check.metric: unknown metric "clicks_to_cancel": ` +
				`expected one of ` + strings.Join(MetricNames(), ", "),
		}},
		{"bad-comparison.yaml", []string{
			`testdata/bad-comparison.yaml:12: rules[0].check.op: unknown op "=<": did you mean "<="?`,
			"testdata/bad-comparison.yaml:21: rules[1].check.op: >= needs a number; effect_passed is bool (use == or !=)",
			`testdata/bad-comparison.yaml:30: rules[2].check.value: must be a number, got "three"`,
			"testdata/bad-comparison.yaml:39: rules[3].check.value_metric: effect_passed is bool and cannot be " +
				"compared with clicks_to_done (int)",
			"testdata/bad-comparison.yaml:48: rules[4].check.pattern: bad regular expression: error parsing regexp: " +
				"missing closing ): `取消(`",
		}},
		{"bad-severity.yaml", []string{
			`testdata/bad-severity.yaml:13: rules[0].severity: unknown severity "blocker": expected one of info, minor, major, critical`,
		}},
		{"missing-citation.yaml", []string{
			"testdata/missing-citation.yaml:6: rules[0].citation: missing (required)",
			"testdata/missing-citation.yaml:6: rules[0].source: missing (an interpretation must say where it comes from)",
		}},
		{"duplicate-rule.yaml", []string{
			`testdata/duplicate-rule.yaml:15: rules[1].id: duplicate rule id "acme.one" (first at line 6)`,
		}},
		{"bad-status.yaml", []string{
			// Sorted by position: the missing since is reported at the pack's mapping (column 1), the id at its
			// value (column 5); pack problems print without the column.
			"testdata/bad-status.yaml:1: since: missing (required when the status is vacated)",
			`testdata/bad-status.yaml:1: id: "ACME": use lower-case letters, digits and '-'`,
			"testdata/bad-status.yaml:14: rules[0].check.any: must list at least two checks",
			"testdata/bad-status.yaml:16: rules[0].weight: must not be negative",
			"testdata/bad-status.yaml:17: rules[0].cap: must be a score from 0 to 100",
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			p, err := LoadPackFile("testdata/" + c.file)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Equal(t, c.want, strings.Split(err.Error(), "\n"))
			var pe *PackError
			assert.True(t, errors.As(err, &pe), "errors are *PackError")
		})
	}
}

func TestRulesParsePackRejects(t *testing.T) {
	const head = "id: x\ntitle: X\njurisdiction: cn\nstatus: in_force\n"
	const rule = "rules:\n  - id: x.a\n    title: A\n    citation: C\n    requirement: R\n    quote: paraphrase\n" +
		"    basis: law\n    severity: minor\n    weight: 1\n"
	const nm = "rules:\n  - id: x.a\n    title: A\n    citation: C\n    requirement: R\n    quote: paraphrase\n" +
		"    basis: law\n    not_measured: sent by e-mail\n"
	for _, c := range []struct{ name, yaml, want string }{
		{"not yaml", "id: [", "p.yaml:1: did not find expected node content"},
		{"empty", "", "p.yaml: empty file: expected a rule pack (see audit/rules/README.md)"},
		{"no rules", head, "p.yaml:1: rules: missing (required)"},
		{"empty rules", head + "rules: []\n", "p.yaml:5: rules: must list at least one rule"},
		{"no check", head + rule, "p.yaml:6: rules[0].check: missing (required; or not_measured: why the engine cannot test this)"},
		{"check and not_measured", head + rule + "    not_measured: e-mail\n    check: {metric: waits, op: '==', value: 0}\n",
			"p.yaml:15: rules[0].check: give check or not_measured, not both"},
		{"not_measured that weighs", head + nm + "    severity: info\n    weight: 2\n",
			"p.yaml:14: rules[0].weight: must be 0: a not_measured rule is always could_not_measure and must not lower a score"},
		{"not_measured above info", head + nm + "    severity: major\n    weight: 0\n",
			"p.yaml:13: rules[0].severity: must be info: a not_measured rule is always could_not_measure"},
		{"not_measured with a cap", head + nm + "    severity: info\n    weight: 0\n    cap: 49\n",
			"p.yaml:15: rules[0].cap: not used: a not_measured rule is always could_not_measure"},
		{"not_measured with when", head + nm + "    severity: info\n    weight: 0\n    when: {metric: waits, op: '==', value: 0}\n",
			"p.yaml:15: rules[0].when: not used: a not_measured rule is always could_not_measure"},
		{"bad checked", "id: x\ntitle: X\njurisdiction: cn\nstatus: in_force\nchecked: December 2026\n" + rule +
			"    check: {metric: waits, op: '==', value: 0}\n", `p.yaml:5: checked: "December 2026" is not a date (YYYY-MM-DD)`},
		{"duplicate key", head + "title: Y\n" + rule + "    check: {metric: waits, op: '==', value: 0}\n",
			"p.yaml:5: title: duplicate key (first at line 2)"},
		{"value and value_metric", head + rule + "    check: {metric: waits, op: '<=', value: 1, value_metric: dialogs}\n",
			"p.yaml:14: rules[0].check: give exactly one of value and value_metric"},
		{"typo in a metric", head + rule + "    check: {metric: intersitials, op: '<=', value: 1}\n",
			`p.yaml:14: rules[0].check.metric: unknown metric "intersitials": did you mean "interstitials"?`},
		{"pattern on a number", head + rule + "    check: {metric: waits, op: matches, pattern: x}\n",
			"p.yaml:14: rules[0].check.op: matches needs a string metric; waits is int"},
		{"bool value", head + rule + "    check: {metric: effect_passed, op: '==', value: yes please}\n",
			`p.yaml:14: rules[0].check.value: must be true or false, got "yes please"`},
		{"since without status", head + rule + "    since: 2020-01-01\n    check: {metric: waits, op: '==', value: 0}\n",
			"p.yaml:14: rules[0].since: since without status: give the status too"},
		{"bad date", "id: x\ntitle: X\njurisdiction: cn\nstatus: in_force\nsince: 2020-13-01\n" + rule +
			"    check: {metric: waits, op: '==', value: 0}\n", `p.yaml:5: since: "2020-13-01" is not a date (YYYY-MM-DD)`},
		{"any with more keys", head + rule + "    check: {metric: waits, any: [{metric: waits, op: '==', value: 0}]}\n",
			"p.yaml:14: rules[0].check: any or all stands alone: put every condition inside it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePack([]byte(c.yaml), "p.yaml")
			require.Error(t, err)
			assert.Equal(t, c.want, strings.Split(err.Error(), "\n")[0])
		})
	}
}

func TestRulesSelect(t *testing.T) {
	packs := bundled(t)
	ids := func(ps []*Pack) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return out
	}
	for _, c := range []struct {
		name       string
		ids, juris []string
		want       []string
	}{
		{"cn scenario", nil, []string{"cn"}, []string{"cn", "wcag"}},
		{"de and eu", nil, []string{"eu", "de"}, []string{"de", "eu", "wcag"}},
		{"us-ftc: not the vacated rule", nil, []string{"us-ftc"}, []string{"us-ftc", "wcag"}},
		{"uk: what applies now", nil, []string{"uk"}, []string{"uk", "wcag"}},
		{"new york", nil, []string{"us-ny", "us-ftc"}, []string{"us-ftc", "us-ny", "wcag"}},
		{"cn: not the sector rules", nil, []string{"cn"}, []string{"cn", "wcag"}},
		{"cn with the sector rules", []string{"default", "cn-sector"}, []string{"cn"}, []string{"cn", "wcag", "cn-sector"}},
		{"explicit, in the order given", []string{"us-ftc-2024", "cn"}, []string{"de"}, []string{"us-ftc-2024", "cn"}},
		{"default plus a reference pack", []string{"default", "us-ftc-2024", "cn"}, []string{"cn"}, []string{"cn", "wcag", "us-ftc-2024"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Select(packs, c.ids, c.juris)
			require.NoError(t, err)
			assert.Equal(t, c.want, ids(got))
		})
	}

	_, err := Select(packs, []string{"cn", "fr"}, nil)
	require.EqualError(t, err, `unknown rule pack "fr"; valid packs: default, cn, cn-sector, de, eu, uk, us-ca, us-ftc, us-ftc-2024, us-ma, us-mn, us-ny, wcag`)

	user, err := LoadPackFile("testdata/good.yaml")
	require.NoError(t, err)
	got, err := Select(append(packs, user), nil, []string{"cn"})
	require.NoError(t, err)
	assert.Equal(t, []string{"cn", "wcag", "acme"}, ids(got), "a user pack joins the defaults of its jurisdiction")

	clash := *user
	clash.ID, clash.Source = "cn", "mine.yaml"
	_, err = Select(append(packs, &clash), nil, []string{"cn"})
	require.EqualError(t, err, `rule pack "cn" is defined twice: bundled:cn.yaml and mine.yaml`)
}

func TestRulesFind(t *testing.T) {
	packs := bundled(t)
	p, r, err := Find(packs, "de")
	require.NoError(t, err)
	assert.Equal(t, "de", p.ID)
	assert.Nil(t, r)

	p, r, err = Find(packs, "de.no-login")
	require.NoError(t, err)
	assert.Equal(t, "de", p.ID)
	assert.Equal(t, "de.no-login", r.ID)

	_, _, err = Find(packs, "de.nope")
	require.EqualError(t, err, `no rule pack or rule "de.nope"; packs: cn, cn-sector, de, eu, uk, us-ca, us-ftc, us-ftc-2024, us-ma, us-mn, us-ny, wcag`)
}

func TestRulesReadmeListsEveryMetric(t *testing.T) {
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, name := range MetricNames() {
		assert.Contains(t, string(b), "`"+name+"`", "README.md documents %s", name)
	}
}

// A pack says when it was checked; a rule can say what of it is unverified, or that no browser run can test it.
func TestRulesParsePackCheckedUnverifiedNotMeasured(t *testing.T) {
	p, err := ParsePack([]byte(`id: fr
title: France
jurisdiction: fr
status: in_force
checked: 2026-12-04
rules:
  - id: fr.confirmation
    title: Confirmation par courriel
    citation: Code de la consommation (article non vérifié)
    requirement: Le professionnel confirme la résiliation.
    quote: paraphrase
    unverified: the article number
    basis: law
    not_measured: the confirmation arrives by e-mail
    severity: info
    weight: 0
`), "fr.yaml")
	require.NoError(t, err)
	assert.Equal(t, "2026-12-04", p.Checked)
	r := p.Rules[0]
	assert.Equal(t, "the article number", r.Unverified)
	assert.Equal(t, "the confirmation arrives by e-mail", r.NotMeasured)
	assert.Nil(t, r.Check)
	assert.Equal(t, []string{"fr"}, Jurisdictions([]*Pack{p}))
}

// The shared YAML layer gives packs what scenarios have: aliases within a budget, one document per file,
// no merge keys, and the plain explanations of encoding and indentation problems.
func TestRulesParsePackYAML(t *testing.T) {
	const head = "id: x\ntitle: X\njurisdiction: cn\nstatus: in_force\n"
	rule := func(id, check string) string {
		return "  - id: " + id + "\n    title: A\n    citation: C\n    requirement: R\n    quote: paraphrase\n" +
			"    basis: law\n    severity: minor\n    weight: 1\n    check: " + check + "\n"
	}

	p, err := ParsePack([]byte(head+"rules:\n"+rule("x.a", "&few {metric: waits, op: '<=', value: 1}")+rule("x.b", "*few")), "p.yaml")
	require.NoError(t, err, "an anchored check reused")
	require.Len(t, p.Rules, 2)
	assert.Equal(t, "waits <= 1", p.Rules[1].Check.String())

	// A billion laughs made of checks: each level's any lists the level below ten times.
	var bomb strings.Builder
	bomb.WriteString(head + "description: &c0 {metric: waits, op: '==', value: 0}\nrules:\n")
	bomb.WriteString("  - id: x.a\n    title: A\n    citation: C\n    requirement: R\n    quote: paraphrase\n" +
		"    basis: law\n    severity: minor\n    weight: 1\n    note: [")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "&c%d {any: [%s]}, ", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*c%d, ", i-1), 10), ", "))
	}
	bomb.WriteString("]\n    check: *c9\n")
	start := time.Now()
	_, err = ParsePack([]byte(bomb.String()), "bomb.yaml")
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Contains(t, err.Error(), "more than 1000 aliases: refusing a file that expands this much")

	// One large anchored check used many times: few aliases, but a walk that grows with their product.
	var amp strings.Builder
	amp.WriteString(head + "rules:\n  - id: x.a\n    title: A\n    citation: C\n    requirement: R\n    quote: paraphrase\n" +
		"    basis: law\n    severity: minor\n    weight: 1\n    when: &big {all: [")
	amp.WriteString(strings.Repeat("{metric: waits, op: '==', value: 0}, ", 2000) + "{metric: waits, op: '==', value: 0}]}\n")
	amp.WriteString("    check: {any: [" + strings.TrimSuffix(strings.Repeat("*big, ", 200), ", ") + "]}\n")
	start = time.Now()
	_, err = ParsePack([]byte(amp.String()), "amp.yaml")
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Contains(t, err.Error(), "amp.yaml:15: rules[0].check.any[7]: aliases refer to more than 100000 values in all: "+
		"refusing a file that expands this much")

	for _, c := range []struct{ name, yaml, want string }{
		{"second document", head + "rules:\n" + rule("x.a", "{metric: waits, op: '==', value: 0}") + "---\nid: y\n",
			"p.yaml:15: a second YAML document starts here: one rule pack per file (remove the --- and what follows, or split the file)"},
		{"merge key", head + "<<: {default: always}\nrules:\n" + rule("x.a", "{metric: waits, op: '==', value: 0}"),
			"p.yaml:5: <<: merge keys (<<) are not supported: write the keys out, or alias the whole value"},
		{"tab indentation", head + "rules:\n\t- id: x.a\n", "p.yaml:6: found character that cannot start any token: a tab indents this line, and YAML indentation must be spaces"},
		{"not UTF-8", head + "description: \xcd\xcb\n", "p.yaml:5: invalid UTF-8 (byte 0xCD): the file must be UTF-8; convert GBK or GB18030 files first, e.g. iconv -f GB18030 -t UTF-8"},
		{"a list as the pack", "- id: x\n", "p.yaml:1: a rule pack must be a mapping, got a list"},
		{"a rule that is text", head + "rules: [x.a]\n", "p.yaml:5: rules[0]: a rule must be a mapping, got a string"},
		{"empty document", "---\n", "p.yaml:2: the document is empty: expected a rule pack (see audit/rules/README.md)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePack([]byte(c.yaml), "p.yaml")
			require.Error(t, err)
			assert.Equal(t, c.want, strings.Split(err.Error(), "\n")[0])
			var pe *PackError
			assert.True(t, errors.As(err, &pe), "errors are *PackError")
		})
	}

	_, err = ParsePack(make([]byte, maxPackSize+1), "big.yaml")
	require.EqualError(t, err, "big.yaml: file is more than 1048576 bytes (1.0 MiB): refusing to read it")
	_, err = LoadPackFile("/dev/zero")
	require.EqualError(t, err, "/dev/zero: file is more than 1048576 bytes (1.0 MiB): refusing to read it")
}
