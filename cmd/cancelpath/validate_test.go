package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testdata = "../../audit/scenario/testdata"

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidate(t *testing.T) {
	for _, name := range []string{"CANCELPATH_VALIDATE_TEST_URL", "CANCELPATH_VALIDATE_TEST_PASS"} {
		_, set := os.LookupEnv(name)
		require.False(t, set, "%s must not be set for this test", name)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // exact
		stderr string // exact
	}{
		{
			name: "valid folder",
			args: []string{"validate", "--env-file", testdata + "/env/demo.env", testdata + "/valid"},
			stdout: "ok  " + testdata + "/valid/complete.yaml  id=xingchen devices=desktop,mobile steps: login 5, cancel 9\n" +
				"ok  " + testdata + "/valid/minimal.yml  id=minimal devices=desktop steps: login 0, cancel 1\n" +
				"ok  " + testdata + "/valid/with-session.yaml  id=with-session devices=desktop steps: login 0, cancel 1\n",
		},
		{
			name: "unset variables",
			args: []string{"validate", testdata + "/cli/needs-env.yaml"},
			code: exitUsage,
			stderr: testdata + "/cli/needs-env.yaml:3:6: url: variable CANCELPATH_VALIDATE_TEST_URL is not set (set it in the environment or an env file)\n" +
				testdata + "/cli/needs-env.yaml:7:12: login[0].value: variable CANCELPATH_VALIDATE_TEST_PASS is not set (set it in the environment or an env file)\n" +
				"cancelpath: validate: 2 problems in 1 file\n",
		},
		{
			name:   "unset variables allowed",
			args:   []string{"validate", "--allow-missing-env", testdata + "/cli/needs-env.yaml"},
			stdout: "ok  " + testdata + "/cli/needs-env.yaml  id=needs-env devices=desktop steps: login 1, cancel 1\n",
		},
		{
			name:   "valid and invalid files together",
			args:   []string{"validate", testdata + "/valid/minimal.yml", testdata + "/cli/two-problems.yaml", testdata + "/nowhere"},
			code:   exitUsage,
			stdout: "ok  " + testdata + "/valid/minimal.yml  id=minimal devices=desktop steps: login 0, cancel 1\n",
			stderr: testdata + "/nowhere: no such file or folder\n" +
				testdata + `/cli/two-problems.yaml:7:5: cancel[0].optinal: unknown key "optinal" in a step: did you mean "optional"?` + "\n" +
				testdata + `/cli/two-problems.yaml:8:13: done.css: unclosed [ at character 4` + "\n" +
				"cancelpath: validate: 3 problems in 2 files\n",
		},
		{
			name:   "file scheme allowed",
			args:   []string{"validate", "--allow-scheme", "file", testdata + "/valid/minimal.yml"},
			stdout: "ok  " + testdata + "/valid/minimal.yml  id=minimal devices=desktop steps: login 0, cancel 1\n",
		},
		{
			name: "broken env file",
			args: []string{"validate", "--env-file", testdata + "/cli/broken.env", testdata + "/valid"},
			code: exitUsage,
			stderr: testdata + "/cli/broken.env:2: expected KEY=VALUE\n" +
				"cancelpath: env file " + testdata + "/cli/broken.env: 1 problem\n",
		},
		{
			name:   "no paths",
			args:   []string{"validate"},
			code:   exitUsage,
			stderr: "cancelpath: validate: give at least one scenario file or folder (see cancelpath validate --help)\n",
		},
		{
			name:   "unknown flag",
			args:   []string{"validate", "--strict", "x.yaml"},
			code:   exitUsage,
			stderr: "cancelpath: unknown flag: --strict\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, c.args...)
			assert.Equal(t, c.code, code)
			assert.Equal(t, c.stdout, stdout)
			assert.Equal(t, c.stderr, stderr)
		})
	}
}

func TestValidateEnvFileWinsOverEnvironment(t *testing.T) {
	t.Setenv("DEMO_URL", "javascript:alert(1)")
	code, stdout, stderr := runCLI(t, "validate", "--env-file", testdata+"/env/demo.env", testdata+"/valid/complete.yaml")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "id=xingchen")
}

func TestValidateReportsEveryInvalidFixture(t *testing.T) {
	code, stdout, stderr := runCLI(t, "validate", testdata+"/invalid")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	summary := lines[len(lines)-1]
	assert.Regexp(t, `^cancelpath: validate: \d+ problems in 4 files$`, summary)
	for _, l := range lines[:len(lines)-1] {
		assert.Regexp(t, `^\Q`+testdata+`\E/invalid/[a-z-]+\.yaml:\d+(:\d+)?: `, l)
	}
}

func TestValidateHelp(t *testing.T) {
	code, stdout, _ := runCLI(t, "validate", "--help")
	assert.Equal(t, 0, code)
	for _, want := range []string{"--env-file", "--allow-missing-env", "--allow-scheme", "FILE:LINE:COLUMN: FIELD: MESSAGE", "Exit codes"} {
		assert.Contains(t, stdout, want)
	}
}
