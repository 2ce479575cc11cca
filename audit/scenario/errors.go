package scenario

import "github.com/cancelpath/cancelpath/audit/yamlfile"

// Error is one problem found in one file, with where it was found: FILE:LINE:COL: FIELD: MSG. It is the
// problem type every YAML loader shares (scenarios, session and env files, rule packs, lexicons).
type Error = yamlfile.Problem

// ErrorList is every problem found in one or more files, so that one run reports them all at once.
// Within a file the problems are sorted by position. errors.As reaches each *Error through Unwrap.
type ErrorList = yamlfile.Problems
