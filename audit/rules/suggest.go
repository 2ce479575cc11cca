package rules

import "github.com/cancelpath/cancelpath/audit/scenario"

// didYouMean is " (did you mean X?)" for an option close enough to be a typo (the scenario loader's
// measure, so both loaders suggest alike), else "".
func didYouMean(s string, options []string) string {
	if c := scenario.Closest(s, options); c != "" {
		return " (did you mean " + c + "?)"
	}
	return ""
}
