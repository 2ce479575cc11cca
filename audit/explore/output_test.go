package explore

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixture is a result as a search of a small shop would leave it: 我的 → (hover) 账户 → 退订.
func fixture() *Result {
	levels := 2
	return &Result{
		Version: FormatVersion, ScenarioID: "shop", Site: "测试卡盟", URL: "https://shop.example/", Device: "desktop",
		Browser: "Chrome/156.0.0.0", StartedAt: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), Status: StatusFound,
		Reason: "found a cancel control 2 actions from the landing page",
		Shortest: &Path{
			Steps: []PathStep{
				{Action: "click", Target: &scenario.Target{Text: "我的"}, Label: "我的", Role: "link", URL: "https://shop.example/",
					Level: true, LevelKind: "navigation"},
				{Action: "hover", Target: &scenario.Target{Role: "button", Name: "账户: 设置", Nth: 1}, Label: "账户: 设置",
					Role: "button", URL: "https://shop.example/my", Level: true, LevelKind: "reveal"},
			},
			Control: Control{Label: "退订", Role: "link", Tag: "a", Target: &scenario.Target{Text: "退订"}, Kind: "cancel",
				Match: "退订", URL: "https://shop.example/my", Evidence: EvidenceFlowScreen, Shows: "确认退订",
				LeadsTo: "https://shop.example/my/unsubscribe"},
			ClicksToControl: 2, HoversToControl: 1, LevelsToControl: &levels, Verified: true,
		},
		Candidates: []Path{{
			Steps:           []PathStep{{Action: "click", Target: &scenario.Target{Text: "帮助"}, Label: "帮助", URL: "https://shop.example/"}},
			Control:         Control{Label: "取消订阅", Target: &scenario.Target{CSS: "#x > button:nth-of-type(2)"}, Kind: "cancel", Match: "取消订阅"},
			ClicksToControl: 2,
		}},
		Signposts: []Signpost{{Label: "前往退订页面", URL: "https://shop.example/", LeadsTo: "https://shop.example/help/unsub", Holds: "取消订阅"}},
		Explored: Explored{States: 3, Pages: 2, Actions: 2, Steps: 3, Contexts: 4, Depth: 2, WallMS: 2345,
			Logins: 1, Session: SessionSaved, Reused: 1, Shortcuts: 1,
			Skipped: map[string]int{skipDeny: 2, skipKnownPage: 5}},
		Graph: Graph{
			Nodes: []GraphNode{{ID: 0, URL: "https://shop.example/", Title: "首页", Controls: 5},
				{ID: 1, URL: "https://shop.example/my", Title: "我的", Depth: 1, Controls: 4},
				{ID: 2, URL: "https://shop.example/my", Title: "我的", Depth: 2, Controls: 6, Goals: []string{"退订"}}},
			Edges: []GraphEdge{{From: 0, To: 1, Action: "click", Target: `text="我的"`, Label: "我的", Outcome: OutcomeNew},
				{From: 1, To: 2, Action: "hover", Target: `role=button name="账户: 设置" [nth=1]`, Label: `账户: "设置"`, Outcome: OutcomeNew},
				{From: 0, To: -1, Action: "click", Target: `text="帮助"`, Label: "帮助", Outcome: OutcomeError, Error: "step 1: not visible"}},
			Skipped: []SkippedControl{{Node: 0, Label: "退出", Reason: skipDeny, Detail: "退出", Href: "https://shop.example/logout"}},
		},
	}
}

func TestOutputs(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/source.yaml")
	require.NoError(t, err)
	sc := &scenario.Scenario{ID: "shop", Site: "测试卡盟", URL: "https://shop.example/", Jurisdictions: []string{"cn", "de"}}
	res := fixture()
	fromSource, err := res.ScenarioYAML(sc, src)
	require.NoError(t, err)
	fromURL, err := res.ScenarioYAML(sc, nil)
	require.NoError(t, err)
	var dot, text bytes.Buffer
	require.NoError(t, res.Graph.WriteDOT(&dot, "shop"))
	require.NoError(t, res.WriteText(&text))
	for name, got := range map[string][]byte{
		"scenario-from-source.yaml": fromSource, "scenario-from-url.yaml": fromURL,
		"graph.dot": dot.Bytes(), "summary.txt": text.Bytes(),
	} {
		t.Run(name, func(t *testing.T) {
			golden(t, name, got)
		})
	}
}

// TestScenarioYAMLLoads: the scenario written loads once the user adds done (and keeps its ${VAR}s).
func TestScenarioYAMLLoads(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/source.yaml")
	require.NoError(t, err)
	sc := &scenario.Scenario{ID: "shop", Site: "测试卡盟", URL: "https://shop.example/", Jurisdictions: []string{"cn"}}
	env := map[string]string{"SHOP_URL": "https://shop.example", "SHOP_USER": "u1"}
	opts := scenario.Options{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	for _, source := range [][]byte{src, nil} {
		out, err := fixture().ScenarioYAML(sc, source)
		require.NoError(t, err)
		_, err = scenario.Parse("written.yaml", out, opts)
		require.Error(t, err, "done is left for the user")
		done := bytes.Replace(out, []byte("\ndone:"), []byte("\ndone: 已退订"), 1)
		loaded, err := scenario.Parse("written.yaml", done, opts)
		require.NoError(t, err)
		require.Len(t, loaded.Cancel, 3)
		assert.Equal(t, scenario.Hover, loaded.Cancel[1].Action)
		assert.Equal(t, 1, loaded.Cancel[1].Target.Nth)
		assert.True(t, loaded.Cancel[2].Control)
		if source != nil {
			assert.Len(t, loaded.Login, 3, "the login is kept")
			assert.Equal(t, []string{"u1"}, loaded.Secrets, "…with its variables")
		} else {
			assert.Equal(t, "https://shop.example/", loaded.Start)
		}
	}
}

// TestScenarioYAMLSelect: a path through a select's option, and a control that is one, are written as
// select steps with their option, and load.
func TestScenarioYAMLSelect(t *testing.T) {
	res := fixture()
	res.Shortest.Steps = []PathStep{{Action: "select", Target: &scenario.Target{Role: "combobox", Name: "Tools"},
		Option: "Manage Subscriptions", Label: "Tools", URL: "https://shop.example/"}}
	res.Shortest.Control = Control{Label: "Actions", Tag: "select", Target: &scenario.Target{CSS: "#actions"}, Action: "select",
		Option: "Unsubscribe", Kind: "cancel", Match: "unsubscribe"}
	sc := &scenario.Scenario{ID: "shop", Site: "shop", URL: "https://shop.example/", Jurisdictions: []string{"cn"}}
	out, err := res.ScenarioYAML(sc, nil)
	require.NoError(t, err)
	loaded, err := scenario.Parse("written.yaml", bytes.Replace(out, []byte("\ndone:"), []byte("\ndone: Unsubscribed"), 1), scenario.Options{})
	require.NoError(t, err, string(out))
	require.Len(t, loaded.Cancel, 2)
	assert.Equal(t, scenario.Select, loaded.Cancel[0].Action)
	assert.Equal(t, "Manage Subscriptions", loaded.Cancel[0].Value)
	assert.Equal(t, scenario.Select, loaded.Cancel[1].Action)
	assert.Equal(t, "Unsubscribe", loaded.Cancel[1].Value)
	assert.True(t, loaded.Cancel[1].Control)
	assert.Equal(t, "Tools: Manage Subscriptions → Actions: Unsubscribe", res.Shortest.Route())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to write the golden file")
	assert.Equal(t, string(want), string(got))
}

func TestCompare(t *testing.T) {
	ip := func(n int) *int { return &n }
	scripted := func(clicks, hovers *int, device string) *metrics.Result {
		return &metrics.Result{Device: metrics.Device{Name: device},
			Metrics: metrics.Metrics{ClicksToControl: clicks, HoversToControl: hovers}}
	}
	notFound := fixture()
	notFound.Shortest, notFound.Status, notFound.Reason = nil, StatusNotFound, "no cancel control found: the search tried 300 actions"
	tests := []struct {
		name     string
		scripted *metrics.Result
		explored *Result
		longer   bool
		note     string
	}{
		{name: "longer by clicks", scripted: scripted(ip(4), ip(0), "desktop"), explored: fixture(), longer: true,
			note: "the scripted path takes 4 clicks to the cancel control; a shorter one exists: 我的 → (hover) 账户: 设置 → 退订 (2 clicks, 2 levels, 1 hover)"},
		{name: "as many clicks, more hovers", scripted: scripted(ip(2), ip(2), "desktop"), explored: fixture(), longer: true,
			note: "the scripted path needs 2 hovers to the cancel control; one with fewer hovers exists"},
		{name: "as short", scripted: scripted(ip(2), ip(1), "desktop"), explored: fixture(),
			note: "the scripted path is as short as the shortest explore found"},
		{name: "shorter than explored", scripted: scripted(ip(1), ip(0), "desktop"), explored: fixture(),
			note: "check the explore budgets and lexicon"},
		{name: "scripted path failed", scripted: scripted(nil, nil, "desktop"), explored: fixture(),
			note: "the scripted path did not reach the cancel control; explore found one: 我的"},
		{name: "other device", scripted: scripted(ip(4), ip(0), "mobile"), explored: fixture(),
			note: "not compared: explored on desktop, the scenario ran on mobile"},
		{name: "explore found nothing", scripted: scripted(ip(4), ip(0), "desktop"), explored: notFound,
			note: "explore found no cancel control within its budgets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			note, longer := Compare(tc.scripted, tc.explored)
			assert.Equal(t, tc.longer, longer)
			assert.Contains(t, note, tc.note)
		})
	}

	r := scripted(ip(4), ip(0), "desktop")
	Annotate(r, fixture())
	require.NotNil(t, r.Shortest)
	assert.True(t, r.Shortest.ScriptedLonger)
	assert.Equal(t, 2, r.Shortest.ClicksToControl)
	assert.Equal(t, []string{`click text="我的"`, `hover role=button name="账户: 设置" [nth=1]`, `click text="退订" (control)`}, r.Shortest.Steps)
	assert.True(t, strings.HasPrefix(r.Shortest.Note, "the scripted path takes 4 clicks"))
}
