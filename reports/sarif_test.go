package reports

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The SARIF 2.1.0 schema's required properties and enumerations for what this package writes (sections
// 3.13 sarifLog, 3.14 run, 3.18/3.19 tool/toolComponent, 3.49 reportingDescriptor, 3.27 result, 3.28
// location, 3.29 physicalLocation, 3.4 artifactLocation, 3.30 region, 3.11 message).
type sarifLog struct {
	Version string `json:"version"`
	Schema  string `json:"$schema"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID                   string                           `json:"id"`
					ShortDescription     *struct{ Text string }           `json:"shortDescription"`
					FullDescription      *struct{ Text string }           `json:"fullDescription"`
					Help                 *struct{ Text, Markdown string } `json:"help"`
					DefaultConfiguration *struct{ Level string }          `json:"defaultConfiguration"`
					Properties           map[string]any                   `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results     []sarifResultJSON `json:"results"`
		Invocations []struct {
			ExecutionSuccessful *bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Properties map[string]any `json:"properties"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

type sarifResultJSON struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Level     string `json:"level"`
	Message   struct {
		Text string `json:"text"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
}

func TestSARIFStructure(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, loadFixture(t), FormatSARIF, Options{}))
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	require.NoError(t, dec.Decode(&log))

	assert.Equal(t, "2.1.0", log.Version)
	assert.Contains(t, log.Schema, "sarif-schema-2.1.0.json")
	require.Len(t, log.Runs, 1)
	run := log.Runs[0]
	assert.Equal(t, "cancelpath", run.Tool.Driver.Name)

	levels := []string{"none", "note", "warning", "error"}
	ids := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		require.NotEmpty(t, r.ID)
		_, dup := ids[r.ID]
		assert.False(t, dup, "rule %s listed twice", r.ID)
		ids[r.ID] = i
		require.NotNil(t, r.ShortDescription, r.ID)
		assert.NotEmpty(t, r.ShortDescription.Text, r.ID)
		require.NotNil(t, r.Help, r.ID)
		if r.ID != runRuleID { // the run itself is no rule of a pack
			assert.Contains(t, r.Help.Text, "Legal basis: ", r.ID)
			assert.NotEmpty(t, r.Properties["citation"], "the citation is rule metadata")
		}
		require.NotNil(t, r.DefaultConfiguration)
		assert.Contains(t, levels, r.DefaultConfiguration.Level)
	}
	require.Contains(t, ids, "de.312k.levels")
	de := run.Tool.Driver.Rules[ids["de.312k.levels"]]
	assert.Contains(t, de.Help.Text, "§ 312k Abs. 2 Satz 4 BGB")
	assert.Equal(t, "de", de.Properties["jurisdiction"])

	require.Len(t, run.Results, 15, "every failure and every could_not_measure, and the runs that ended in a "+
		"finding; passes are not results")
	for _, r := range run.Results {
		require.NotNil(t, r.RuleIndex)
		assert.Equal(t, ids[r.RuleID], *r.RuleIndex, "ruleIndex points at the rule")
		assert.Contains(t, levels, r.Level)
		assert.NotEmpty(t, r.Message.Text)
		require.Len(t, r.Locations, 1)
		loc := r.Locations[0].PhysicalLocation
		assert.NotEmpty(t, loc.ArtifactLocation.URI)
		assert.GreaterOrEqual(t, loc.Region.StartLine, 1)
	}
	first := run.Results[0]
	assert.Equal(t, "scenarios/xingchen.yaml", first.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, 21, first.Locations[0].PhysicalLocation.Region.StartLine, "the step's line in the scenario")
	i := slices.IndexFunc(run.Results, func(r sarifResultJSON) bool {
		return r.RuleID == "us-ftc.425.simple-mechanism"
	})
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "note", run.Results[i].Level, "a vacated rule is a note, not a blocking error")

	// The runs: a finding is a result of cancelpath.run, a run that measured nothing a notification.
	runLevels := map[string]string{}
	for _, r := range run.Results {
		if r.RuleID == runRuleID {
			runLevels[r.Message.Text[:strings.Index(r.Message.Text, ":")]] = r.Level
		}
	}
	assert.Equal(t, map[string]string{
		"月影卡盟·会员中心 (yueying@desktop)": "error", // no_control
		"风车卡盟 (fengche@desktop)":      "error", // blocked
	}, runLevels)
	require.Len(t, run.Invocations, 1)
	inv := run.Invocations[0]
	require.NotNil(t, inv.ExecutionSuccessful)
	assert.False(t, *inv.ExecutionSuccessful, "two runs were not carried out")
	require.Len(t, inv.Notifications, 2)
	for _, n := range inv.Notifications {
		assert.Equal(t, "error", n.Level)
		assert.Contains(t, []any{"site_error", "out_of_reach"}, n.Properties["status"])
		require.Len(t, n.Locations, 1)
	}
	assert.Contains(t, inv.Notifications[1].Message.Text, "蓝狐卡盟 (lanhu@mobile): out_of_reach: the tool could not look")
	assert.Equal(t, 14, inv.Notifications[1].Locations[0].PhysicalLocation.Region.StartLine, "the failed login step")
}
