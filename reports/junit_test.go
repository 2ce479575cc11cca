package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsedSuites mirrors the JUnit schema's elements, read back with a strict XML decoder.
type parsedSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Line      int    `xml:"line,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParses(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, loadFixture(t), FormatJUnit, Options{}))

	// Every token must be well-formed XML 1.0 (a strict decoder rejects control characters and bad nesting).
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
	}

	var got parsedSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &got))
	require.Len(t, got.Suites, 8, "a suite per scenario × device")
	tests, failures, errs, skipped := 0, 0, 0, 0
	for _, s := range got.Suites {
		f, e, sk := 0, 0, 0
		for _, c := range s.Cases {
			assert.NotEqual(t, "injected", c.Name, "hostile text must not create test cases")
			switch {
			case c.Failure != nil:
				f++
			case c.Error != nil:
				e++
			case c.Skipped != nil:
				sk++
			}
		}
		assert.Equal(t, len(s.Cases), s.Tests, s.Name)
		assert.Equal(t, f, s.Failures, s.Name)
		assert.Equal(t, e, s.Errors, s.Name)
		assert.Equal(t, sk, s.Skipped, s.Name)
		tests, failures, errs, skipped = tests+s.Tests, failures+f, errs+e, skipped+sk
	}
	assert.Equal(t, []int{tests, failures, errs, skipped}, []int{got.Tests, got.Failures, got.Errors, got.Skipped})

	mobile := got.Suites[1]
	assert.Equal(t, "星辰卡盟 (xingchen@mobile)", mobile.Name)
	byName := map[string]int{}
	for i, c := range mobile.Cases {
		byName[strings.SplitN(c.Name, ":", 2)[0]] = i
	}
	de := mobile.Cases[byName["de.312k.levels"]]
	require.NotNil(t, de.Failure)
	assert.Equal(t, "xingchen@mobile.de", de.Classname)
	assert.Equal(t, 21, de.Line)
	assert.Equal(t, "major", de.Failure.Type)
	assert.Contains(t, de.Failure.Message, "measured 2, required <= 1")
	assert.Contains(t, de.Failure.Message, "§ 312k Abs. 2 Satz 4 BGB")
	ftc := mobile.Cases[byName["us-ftc.425.simple-mechanism"]]
	require.NotNil(t, ftc.Skipped, "a vacated rule never fails a build")
	assert.Contains(t, ftc.Skipped.Message, "vacated 2025-07-08")

	noControl := got.Suites[2]
	require.Contains(t, noControl.Name, "yueying@desktop")
	require.NotNil(t, noControl.Cases[0].Failure, "no_control is a finding")
	assert.Equal(t, 31, noControl.Cases[0].Line)
	assert.NotNil(t, noControl.Cases[1].Error, "could_not_measure is an error, never a pass")

	// The run test case of each status: findings fail, runs that measured nothing are errors.
	for _, c := range []struct {
		suite          int
		key, status    string
		finding        bool
		meaning, where string
	}{
		{2, "yueying@desktop", "no_control", true, "the control is not there", "step: cancel 3 (line 31)"},
		{5, "jiguang@mobile", "site_error", false, "the site could not be audited", "step: login 0 (line 8)"},
		{6, "fengche@desktop", "blocked", true, "the cancel control is there but could not be used", "step: cancel 1 (line 24)"},
		{7, "lanhu@mobile", "out_of_reach", false, "the tool could not look", "step: login 3 (line 14)"},
	} {
		s := got.Suites[c.suite]
		require.Contains(t, s.Name, c.key)
		run := s.Cases[0]
		assert.Equal(t, c.key+".run", run.Classname)
		if c.finding {
			require.NotNil(t, run.Failure, c.key)
			assert.Nil(t, run.Error, c.key)
			assert.Equal(t, c.status, run.Failure.Type, c.key)
			assert.True(t, strings.HasPrefix(run.Failure.Message, c.status+": "), run.Failure.Message)
			assert.Contains(t, run.Failure.Text, c.meaning, c.key)
			assert.Contains(t, run.Failure.Text, c.where, c.key)
		} else {
			require.NotNil(t, run.Error, c.key)
			assert.Nil(t, run.Failure, c.key)
			assert.True(t, strings.HasPrefix(run.Error.Message, c.status+": "), run.Error.Message)
		}
	}
}
