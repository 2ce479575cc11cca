package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/evidence"
	"github.com/cancelpath/cancelpath/evidence/tsa"
	"github.com/cancelpath/cancelpath/reports"
	"github.com/cancelpath/cancelpath/results"
)

// The README's main job, end to end in a real process: the sites are served, audited on both devices, the
// table printed, every report and sealed evidence written, and no browser is left when it exits.
func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: drives Chromium")
	}
	chrome, err := browser.Find("")
	require.NoError(t, err)
	dir := t.TempDir()
	wrapper := recordingChrome(t, chrome, dir)
	out := filepath.Join(dir, "out")

	keys := filepath.Join(dir, "auditor")
	code, _, kerr := runCLI(t, "keygen", "--out", keys)
	require.Equal(t, exitOK, code, kerr)

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "demo", "-o", out, "--parallel", "2", "--chrome", wrapper, "--sign-key", keys+".key")
	cmd.Env = append(os.Environ(), asCLI+"=1", "NO_COLOR=1")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	require.NoError(t, cmd.Run(), "demo exits 0 (its sites fail rules by design): %s", stderr.String())
	t.Logf("demo took %s", time.Since(start).Round(time.Second))

	table := stdout.String()
	for _, site := range []string{"星辰卡盟", "云端卡盟", "掌游卡盟", "金牛卡盟", "好运卡盟", "飞鱼卡盟", "蓝鲸卡盟", "KartenWelt", "无忧卡盟"} {
		assert.Contains(t, table, site)
	}
	assert.Regexp(t, `(?m)^\s+1\s+星辰卡盟\s+desktop\s+2\s+1\s+0\s+1\s+72×44\s+pass\s+near\s+off\s+100\s+A\s*$`, table)
	// The renewal terms of 好运卡盟 sit in a footnote more than a screen below its subscribe button.
	assert.Regexp(t, `(?m)^\s+\d+\s+好运卡盟\s+desktop.*\s+far\s+still on\s+49\s+F\s*$`, table)
	assert.Regexp(t, `蓝鲸卡盟\s+mobile.*still on\s+49\s+F`, table)
	// The site without a cancel control: its status in the control's place, graded F, and a note with the reason.
	assert.Regexp(t, `(?m)^\s+\d+\s+无忧卡盟\s+desktop(\s+-){4}\s+no control\s+-\s+near\s+-\s+\d+\s+F$`, table)
	assert.Contains(t, table, "无忧卡盟 (desktop): no control: the site offers no cancel control: after 2 clicks")
	assert.NotContains(t, table, "\x1b[", "NO_COLOR: no escape codes")

	for _, f := range []reports.Format{reports.FormatJSON, reports.FormatJSONL, reports.FormatCSV, reports.FormatMarkdown,
		reports.FormatJUnit, reports.FormatSARIF, reports.FormatHTML} {
		assert.FileExists(t, filepath.Join(out, reports.FileName(f)))
	}
	doc, err := results.ReadDocument(filepath.Join(out, reports.FileName(reports.FormatJSON)))
	require.NoError(t, err)
	assert.Len(t, doc.Results, 18, "9 sites × 2 devices")
	for _, e := range doc.Results {
		if e.ScenarioID == "wuyou" {
			assert.EqualValues(t, "no_control", e.Status, e.Device.Name)
			assert.Contains(t, e.Reason, `the path ends at a screen that says "退订自动续费请提供订单号，人工客服将在 1-3 个工作日内处理。"`)
		}
	}
	assert.Contains(t, stderr.String(), "timestamping the evidence with a local demo TSA at http://127.0.0.1:")
	tsaCert := filepath.Join(out, demoTSACert)
	require.FileExists(t, tsaCert)
	code, vout, verr := runCLI(t, "verify", "--key", keys+".pub", "--tsa-cert", tsaCert, "--record", out)
	assert.Equal(t, exitOK, code, "every evidence folder is sealed, signed, timestamped, recorded and intact: %s%s", vout, verr)
	assert.Equal(t, 18, strings.Count(vout, "timestamped 20"), vout)
	assert.Equal(t, 18, strings.Count(vout, "by CN="+tsa.Name), vout)
	entries, breaks, err := evidence.ReadCustody(filepath.Join(out, "evidence", "xingchen@mobile"))
	require.NoError(t, err)
	assert.Empty(t, breaks)
	var events []evidence.CustodyEvent
	for _, e := range entries {
		events = append(events, e.Event)
	}
	assert.Equal(t, []evidence.CustodyEvent{evidence.CustodyCreated, evidence.CustodySealed, evidence.CustodySigned,
		evidence.CustodyTimestamped, evidence.CustodyVerified}, events)
	code, vout, verr = runCLI(t, "verify", out)
	assert.Equal(t, exitOK, code, "the recorded verification keeps every log whole: %s%s", vout, verr)

	profiles := readLines(t, filepath.Join(dir, "profiles"))
	require.NotEmpty(t, profiles)
	assert.Empty(t, processesUsing(profiles), "no browser is left after demo exits")

	// --fail-on makes it act like audit: its sites fail major rules by design. A TSA that cannot be reached
	// loses nothing: every result is kept, each folder sealed, and stderr says the evidence is not timestamped.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadTSA := "http://" + ln.Addr().String() + "/"
	require.NoError(t, ln.Close())
	out2 := filepath.Join(dir, "out2")
	stderr.Reset()
	cmd = exec.Command(os.Args[0], "demo", "-o", out2, "--quiet", "--device", "desktop",
		"--fail-on", "major", "--chrome", wrapper, "--tsa", deadTSA)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, exitFindings, ee.ExitCode())
	assert.Contains(t, stderr.String(), "warning: ")
	assert.Contains(t, stderr.String(), "evidence not timestamped: ")
	assert.NotContains(t, stderr.String(), "local demo TSA", "--tsa given: no demo TSA")
	doc, err = results.ReadDocument(filepath.Join(out2, reports.FileName(reports.FormatJSON)))
	require.NoError(t, err)
	assert.Len(t, doc.Results, 9, "every result kept")
	for _, e := range doc.Results {
		assert.Condition(t, func() bool {
			for _, n := range e.Notes {
				if strings.HasPrefix(n, "evidence not timestamped: ") {
					return true
				}
			}
			return false
		}, "%s: %v", e.Key(), e.Notes)
	}
	code, vout, verr = runCLI(t, "verify", out2)
	assert.Equal(t, exitOK, code, "sealed and recorded, not timestamped: %s%s", vout, verr)
	assert.NotContains(t, vout, "timestamped 20")
}
