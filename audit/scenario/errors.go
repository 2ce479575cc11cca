package scenario

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem found in one file, with where it was found.
type Error struct {
	File   string
	Line   int    // 1-based; 0 when the problem concerns the whole file (too large, empty, unreadable)
	Column int    // 1-based; 0 when unknown
	Field  string // path to the field, e.g. cancel[2].click.role; empty for syntax and file-level problems
	Msg    string
}

// Error formats the problem as FILE:LINE:COL: FIELD: MSG, leaving out the parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Column > 0 {
				fmt.Fprintf(&b, ":%d", e.Column)
			}
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in one or more files, so that one run reports them all at once.
// Within a file the problems are sorted by line. errors.As reaches each *Error through Unwrap.
type ErrorList []*Error

// Error puts one problem on each line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is and errors.As look at every problem.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// err returns the list as an error, or nil when it is empty (never a typed nil).
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// maxErrors bounds what one file reports: a garbage file should not print a hundred thousand lines.
const maxErrors = 100

// tidy sorts one file's problems by position, drops exact repeats (an unset variable used twice in one
// value is one problem) and truncates the list to maxErrors; dropped counts problems found but not kept.
func (l ErrorList) tidy(dropped int) ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
			strings.Compare(a.Field, b.Field), strings.Compare(a.Msg, b.Msg))
	})
	l = slices.CompactFunc(l, func(a, b *Error) bool { return *a == *b })
	if len(l) > maxErrors {
		rest := l[maxErrors-1]
		more := &Error{File: rest.File, Line: rest.Line, Column: rest.Column,
			Msg: fmt.Sprintf("too many errors: %d more from here on are not shown", len(l)-maxErrors+1+dropped)}
		l = append(l[:maxErrors-1:maxErrors-1], more)
	}
	return l
}
