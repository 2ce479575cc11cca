package rules

import (
	"fmt"
	"strings"
)

// severities lists the severities from the least to the most serious.
func severities() []Severity { return []Severity{Info, Minor, Major, Critical} }

// rank orders severities: info 1 … critical 4; 0 for an unknown value.
func (s Severity) rank() int {
	for i, v := range severities() {
		if v == s {
			return i + 1
		}
	}
	return 0
}

// AtLeast tells whether s is min or more serious.
func (s Severity) AtLeast(min Severity) bool { return s.rank() > 0 && s.rank() >= min.rank() }

// ParseSeverity reads a severity name (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v.rank() == 0 {
		return "", fmt.Errorf("unknown severity %q: valid severities are %s", s, severityList())
	}
	return v, nil
}

func severityList() string { return strings.Join(severityNames(), ", ") }

func severityNames() []string {
	names := make([]string, len(severities()))
	for i, s := range severities() {
		names[i] = string(s)
	}
	return names
}

// FailsAt tells whether any verdict failed at min severity or above. Verdicts of rules that were not in force
// when the result was measured (vacated, not yet in force) never fail a build.
func FailsAt(verdicts []Verdict, min Severity) bool {
	for _, v := range verdicts {
		if v.Outcome == Fail && v.RuleStatus == StatusInForce && v.Severity.AtLeast(min) {
			return true
		}
	}
	return false
}
