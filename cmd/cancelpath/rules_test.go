package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const userPack = "../../audit/rules/testdata/good.yaml"

func runRules(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"rules"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestRulesList(t *testing.T) {
	code, out, errOut := runRules(t)
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	require.Len(t, lines, 2+12, out) // header, rule, twelve packs
	assert.Equal(t, []string{"ID", "JURISDICTION", "STATUS", "CHECKED", "DEFAULT", "RULES", "TITLE"}, strings.Fields(lines[0]))
	for _, want := range []string{
		"cn           cn            in force since 2021-05-01  2026-12-04  for cn scenarios          24",
		"cn-sector    cn            in force since 2023-02-27  2026-12-04  no (--rules cn-sector)    6",
		"eu           eu            in force                   2026-12-04  for eu scenarios          10",
		"uk           uk            in force since 2025-04-06  2026-12-04  for uk scenarios          5",
		"us-ftc-2024  us-ftc        vacated 2025-07-08         2026-12-04  no (--rules us-ftc-2024)  4",
		"us-ma        us-ma         applies from 2025-09-02    2026-12-04  for us-ma scenarios       6",
		"us-mn        us-mn         applies from 2025-01-01    2026-12-04  for us-mn scenarios       2",
		"us-ny        us-ny         applies from 2025-11-05    2026-12-04  for us-ny scenarios       3",
		"wcag         intl          in force                   2026-12-04  always                    3",
	} {
		assert.Contains(t, out, want)
	}
	for _, l := range lines {
		assert.Equal(t, strings.TrimRight(l, " "), l, "no trailing blanks")
	}
}

func TestRulesShowPack(t *testing.T) {
	code, out, errOut := runRules(t, "show", "de")
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "de  Deutschland – Kündigungsbutton (§ 312k BGB)\n"), out)
	assert.Contains(t, out, "status:       in force since 2022-07-01\nchecked:      2026-12-04\n")
	for _, id := range []string{"de.button-exists", "de.button-usable", "de.button-label", "de.no-login", "de.confirm-no-offers",
		"de.confirm-at-once", "de.confirm-fields-only", "de.save-declaration", "de.immediate-confirmation"} {
		assert.Contains(t, out, "\n "+id+" ")
	}
	assert.Regexp(t, `\n de\.save-declaration +info +0 +law +not measured +`, out)
	assert.NotContains(t, out, "I ZR 200/25")
	assert.Contains(t, out, "confirm_offers == false  (when confirm_present == true)")
	assert.Contains(t, out, "8 (cap 49)")
	assert.Contains(t, out, "control_usable == true  (when control_found == true)")
	assert.Contains(t, out, "0 (cap 49)", "a gate: no weight, a cap")
}

func TestRulesShowRule(t *testing.T) {
	code, out, errOut := runRules(t, "show", "us-ftc-2024.as-easy-as-signup")
	require.Equal(t, exitOK, code, errOut)
	for _, want := range []string{
		"us-ftc-2024.as-easy-as-signup  Cancelling at least as easy as signing up\n",
		"citation:     16 CFR Part 425 (2024, vacated)\n",
		"status:       vacated 2025-07-08\n",
		"checked:      2026-12-04\n",
		"basis:        interpretation\n",
		"check:        clicks_to_done <= clicks_to_subscribe\n",
		"severity:     major\n",
		"weight:       5\n",
		"[paraphrase]\n",
	} {
		assert.Contains(t, out, want)
	}

	code, out, errOut = runRules(t, "show", "cn.effect")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "cap:          a failure caps the pack score (and the overall score) at 49\n")
	assert.Contains(t, out, "citation:     《网络交易监督管理办法》第十八条（总局令第37号公布，根据2025年3月18日总局令第101号修订）\n")

	// What is unverified says so, in the rule's text and here.
	code, out, errOut = runRules(t, "show", "cn.cancel-route-disclosed")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "citation:     《互联网平台价格行为规则》（发改价格规〔2025〕1607号；条号未核实）\n")
	assert.Contains(t, out, "[paraphrase, unverified]\n")
	assert.Contains(t, out, "unverified:   条号未核实")
	assert.Contains(t, out, "status:       applies from 2026-04-10\n")

	// A duty no browser run can test says why.
	code, out, errOut = runRules(t, "show", "eu.acknowledgement")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "citation:     Directive 2011/83/EU Art. 11a(4)\n")
	assert.Contains(t, out, "check:        not measured: The acknowledgement arrives on a durable medium")

	// An announced rule.
	code, out, errOut = runRules(t, "show", "uk.key-information")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "status:       announced for 2027-01, not in force\n")

	// A pack with unverified rules marks them in its table.
	code, out, errOut = runRules(t, "show", "us-mn")
	require.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `\n us-mn\.no-offer-on-confirm +minor +2 +interpretation \* `, out)
	assert.Contains(t, out, "\n* part of the citation or quote is unverified: rules show RULE says which\n")
}

func TestRulesMetrics(t *testing.T) {
	code, out, errOut := runRules(t, "metrics")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "METRIC")
	for _, m := range []string{"clicks_to_control", "reachable_without_login", "control_min_side", "disclosure_text"} {
		assert.Contains(t, out, "\n "+m+" ")
	}
}

func TestRulesUserPackFile(t *testing.T) {
	code, out, errOut := runRules(t, "--rules-file", userPack)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "\n acme ")

	code, out, errOut = runRules(t, "show", "acme.label", "--rules-file", userPack)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "check:        control_label matches /取消|退订/\n")
}

func TestRulesErrors(t *testing.T) {
	dir := t.TempDir()
	clash := filepath.Join(dir, "clash.yaml")
	good, err := os.ReadFile(userPack)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(clash, bytes.Replace(good, []byte("id: acme\n"), []byte("id: cn\n"), 1), 0o644))

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown id", []string{"show", "fr"},
			`cancelpath: rules show: no rule pack or rule "fr"; packs: cn, cn-sector, de, eu, uk, us-ca, us-ftc, us-ftc-2024, us-ma, us-mn, us-ny, wcag`},
		{"bad pack file", []string{"--rules-file", "../../audit/rules/testdata/unknown-metric.yaml"},
			`cancelpath: ../../audit/rules/testdata/unknown-metric.yaml:13: rules[0].check.metric: unknown metric "clicks_to_cancel"`},
		{"missing pack file", []string{"--rules-file", filepath.Join(dir, "none.yaml")},
			"cancelpath: rule pack: open " + filepath.Join(dir, "none.yaml") + ": no such file or directory"},
		{"pack id taken", []string{"--rules-file", clash},
			"cancelpath: " + clash + `: rule pack "cn" is already defined by bundled:cn.yaml`},
		{"show without id", []string{"show"}, "cancelpath: accepts 1 arg(s), received 0"},
		{"unknown subcommand argument", []string{"list"}, `cancelpath: unknown command "list" for "cancelpath rules"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runRules(t, c.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(errOut, c.want), "stderr: %s", errOut)
		})
	}
}

const frPack = "../../audit/rules/testdata/fr.yaml"

// A user's pack adds a jurisdiction: scenarios may name it once the pack is loaded, in validate and in audit.
func TestRulesUserPackAddsAJurisdiction(t *testing.T) {
	scen := filepath.Join(t.TempDir(), "boutique.yaml")
	require.NoError(t, os.WriteFile(scen, []byte("site: Boutique\nurl: http://127.0.0.1:9/\njurisdictions: [fr, eu]\n"+
		"cancel:\n  - click: Résilier\n    control: true\ndone: Résilié\n"), 0o644))
	unknown := scen + `:3:17: jurisdictions[0]: unknown jurisdiction "fr": expected one of cn, de, eu, uk, us-ca, us-ftc, ` +
		"us-ma, us-mn, us-ny\n"

	code, out, errOut := runCLI(t, "validate", scen)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.True(t, strings.HasPrefix(errOut, unknown), errOut)

	code, out, errOut = runCLI(t, "validate", "--rules-file", frPack, scen)
	assert.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "ok  "+scen+"  id=boutique devices=desktop steps: login 0, cancel 1\n", out)

	code, out, errOut = runCLI(t, "rules", "--rules-file", frPack)
	assert.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `\n fr +fr +applies from 2023-06-01 +2026-12-04 +for fr scenarios +1 +France`, out)

	// audit: without the pack the scenario does not load (nothing runs, exit 2); with it, the scenario loads and
	// the run goes on to the browser, here one that is not there (exit 3).
	code, _, errOut = runCLI(t, "audit", "--browser", "ws://127.0.0.1:9/none", scen)
	assert.Equal(t, exitUsage, code)
	assert.True(t, strings.HasPrefix(errOut, unknown), errOut)
	code, _, errOut = runCLI(t, "audit", "--rules-file", frPack, "--browser", "ws://127.0.0.1:9/none", scen)
	assert.Equal(t, exitRuntime, code, errOut)
	assert.NotContains(t, errOut, "unknown jurisdiction")
}
