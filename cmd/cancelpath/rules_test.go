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
	require.Len(t, lines, 2+8, out) // header, rule, eight packs
	assert.Equal(t, []string{"ID", "JURISDICTION", "STATUS", "DEFAULT", "RULES", "TITLE"}, strings.Fields(lines[0]))
	for _, want := range []string{
		"cn           cn            in force since 2021-05-01        for cn scenarios          22",
		"uk           uk            not yet in force, expected 2027  no (--rules uk)           4",
		"us-ftc-2024  us-ftc        vacated 2025-07-08               no (--rules us-ftc-2024)  4",
		"wcag         intl          in force since 2023-10-05        always                    3",
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
	assert.Contains(t, out, "status:       in force since 2022-07-01\n")
	for _, id := range []string{"de.button-exists", "de.button-usable", "de.button-label", "de.no-login", "de.confirm-no-offers"} {
		assert.Contains(t, out, "\n "+id+" ")
	}
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
		"citation:     16 CFR 425.6 (vacated)\n",
		"status:       vacated 2025-07-08\n",
		"basis:        interpretation\n",
		"check:        clicks_to_done <= clicks_to_subscribe\n",
		"severity:     major\n",
		"weight:       5\n",
		"[excerpt]\n",
	} {
		assert.Contains(t, out, want)
	}

	code, out, errOut = runRules(t, "show", "cn.effect")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "cap:          a failure caps the pack score (and the overall score) at 49\n")
	assert.Contains(t, out, "citation:     《网络交易监督管理办法》第十八条；《互联网平台价格行为规则》\n")
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
			`cancelpath: rules show: no rule pack or rule "fr"; packs: cn, de, eu, uk, us-ca, us-ftc, us-ftc-2024, wcag`},
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
