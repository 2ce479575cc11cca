package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// env returns an Options.Env reading from m only, so tests never depend on the real environment.
func env(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

var demoEnv = map[string]string{
	"DEMO_URL":  "http://127.0.0.1:8080",
	"DEMO_USER": "alice",
	"DEMO_PASS": "hunter2",
}

func TestParseComplete(t *testing.T) {
	path := filepath.Join("testdata", "valid", "complete.yaml")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)

	got, err := LoadFile(path, Options{Env: env(demoEnv)})
	require.NoError(t, err)

	want := &Scenario{
		File:          path,
		SHA256:        hex.EncodeToString(sum[:]),
		ID:            "xingchen",
		Site:          "星辰卡盟",
		URL:           "http://127.0.0.1:8080/xingchen/",
		Jurisdictions: []string{"cn", "de"},
		Devices:       []string{"desktop", "mobile"},
		AllowHosts:    []string{"pay.example.test", "127.0.0.1:9000"},
		Timeouts:      Timeouts{Step: 3 * time.Second, Scenario: time.Minute},
		Login: []Step{
			{Line: 10, Action: Goto, URL: "login"},
			{Line: 11, Action: Fill, Target: &Target{CSS: "#username", Line: 11}, Value: "alice"},
			{Line: 13, Action: Fill, Target: &Target{CSS: "#password", Line: 13}, Value: "hunter2", Secret: true},
			{Line: 16, Action: Click, Target: &Target{Text: "登录", Line: 16}, Timeout: 10 * time.Second},
			{Line: 18, Action: WaitFor, Target: &Target{Text: "个人中心", Line: 18}},
		},
		Start:             "/account",
		CheckWithoutLogin: true,
		Cancel: []Step{
			{Line: 22, Action: Hover, Target: &Target{Role: "menuitem", Name: "我的", Line: 22}, Name: "open the account menu"},
			{Line: 24, Action: Click, Target: &Target{TextContains: "帮助", Within: &Target{CSS: ".menu", Line: 24}, Nth: 1, NthSet: true, Line: 24}},
			{Line: 25, Action: Press, Value: "Escape"},
			{Line: 26, Action: Wait, Duration: 500 * time.Millisecond},
			{Line: 27, Action: Select, Target: &Target{CSS: "select#reason", Line: 27}, Value: "不想续费了"},
			{Line: 29, Action: Click, Target: &Target{Role: "switch", NameRegex: "^自动续费", Line: 29}, Control: true},
			{Line: 31, Action: Check, Target: &Target{XPath: "//input[@name='confirm']", Line: 31}, Optional: true},
			{Line: 33, Action: Click, Target: &Target{TextRegex: "(?i)^确认(关闭)?$", Line: 33}},
			{Line: 34, Action: Screenshot, Name: "after-confirm"},
		},
		Done: Condition{URL: `/account\?renew=off$`, Line: 35},
		Effect: []Step{
			{Line: 37, Action: Goto, URL: "status"},
			{Line: 38, Action: Expect, Target: &Target{TextContains: "自动续费：已关闭", Line: 38}},
			{Line: 39, Action: Expect, Target: &Target{Text: "自动续费：已开启", Line: 39}, Absent: true},
		},
		Subscribe: &Subscribe{
			Steps: []Step{
				{Line: 43, Action: Click, Target: &Target{Text: "开通会员", Line: 43}},
				{Line: 44, Action: Uncheck, Target: &Target{CSS: "#autorenew", Line: 44}},
			},
			Autorenew:    &Target{CSS: "#autorenew", Line: 45},
			Disclosure:   &Target{CSS: ".renewal-terms", Line: 46},
			UntilPayment: true,
			FreshLogin:   true,
			Line:         42,
		},
		Secrets:    []string{"hunter2", "alice"},
		MaskFields: []Target{{CSS: "#username", Line: 49}, {Text: "手机号", Line: 49}},
		idLine:     3,
	}
	assert.Equal(t, want, got)
}

func TestParseDefaults(t *testing.T) {
	s, err := LoadFile(filepath.Join("testdata", "valid", "minimal.yml"), Options{Env: env(nil)})
	require.NoError(t, err)
	assert.Equal(t, "minimal", s.ID, "id from the file name")
	assert.Equal(t, []string{Desktop}, s.Devices)
	assert.Equal(t, Timeouts{Step: 5 * time.Second, Scenario: 90 * time.Second}, s.Timeouts)
	assert.Empty(t, s.Secrets)
	assert.Equal(t, Condition{Target: &Target{Text: "Cancelled", Line: 7}, Line: 7}, s.Done)
}

func TestParseSession(t *testing.T) {
	s, err := LoadFile(filepath.Join("testdata", "valid", "with-session.yaml"), Options{Env: env(nil)})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("testdata", "session", "state.json"), s.Session, "resolved against the scenario's folder")
	assert.Empty(t, s.Login)
}

func TestDeriveID(t *testing.T) {
	for file, want := range map[string]string{
		"dir/Xingchen.yaml":       "xingchen",
		"My Site (v2).yml":        "my-site-v2",
		"a_b-c.yaml":              "a_b-c",
		"星辰卡盟.yaml":               "",
		"星辰-shop.yaml":            "shop",
		"--x--.yaml":              "x",
		"no-extension":            "no-extension",
		"UPPER.CASE.NAME.yaml":    "upper-case-name",
		"tab\tand  spaces.yaml":   "tab-and-spaces",
		"dots.in.the.middle.yaml": "dots-in-the-middle",
		"trailing-dot..yaml":      "trailing-dot",
		"0123456789.yaml":         "0123456789",
		"under__score.yaml":       "under__score",
		"mixed-CJK-星辰-name.yaml":  "mixed-cjk-name",
		"emoji-😀-name.yaml":       "emoji-name",
		"ends-with-dash-.yaml":    "ends-with-dash",
		"-starts-with-dash.yaml":  "starts-with-dash",
		"multiple---dashes.yaml":  "multiple-dashes",
		"weird!@#$%^&*chars.yaml": "weird-chars",
		"a.b/c d.yaml":            "c-d",
	} {
		assert.Equal(t, want, deriveID(file), file)
	}
}

func TestAllowMissingCancel(t *testing.T) {
	src := []byte("site: S\nurl: https://example.test/\njurisdictions: [cn]\nlogin:\n  - goto: login\n")
	_, err := Parse("s.yaml", src, Options{})
	require.ErrorContains(t, err, "cancel: missing")
	s, err := Parse("s.yaml", src, Options{AllowMissingCancel: true})
	require.NoError(t, err, "explore loads a scenario without a cancel path")
	assert.Empty(t, s.Cancel)
	_, err = Parse("s.yaml", append(src, "cancel:\n  - click: x\n"...), Options{AllowMissingCancel: true})
	require.ErrorContains(t, err, "no step has control: true", "cancel steps that are there are still checked")
}
