// Package yamlfile is the strict decoding layer the YAML loaders share (scenarios, rule packs, the explore
// lexicon): it reads and parses one document at a bounded cost (Parse, ReadFile), walks its node tree by
// hand (Decoder: strict mappings, typed scalar readers, an alias budget) and reports every problem of a file
// at once, each as FILE:LINE:COL: FIELD: MSG and in the same words whatever the file.
package yamlfile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one problem found in one file, with where it was found.
type Problem struct {
	File   string
	Line   int    // 1-based; 0 when the problem concerns the whole file (too large, empty, unreadable)
	Column int    // 1-based; 0 when unknown
	Field  string // path to the field, e.g. cancel[2].click.role; empty for syntax and file-level problems
	Msg    string
}

// Error formats the problem as FILE:LINE:COL: FIELD: MSG, leaving out the parts that are unknown.
func (p *Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
			if p.Column > 0 {
				fmt.Fprintf(&b, ":%d", p.Column)
			}
		}
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in one or more files, so that one run reports them all at once. Within
// a file (as a Decoder returns them) the problems are sorted by position. errors.As reaches each *Problem
// through Unwrap.
type Problems []*Problem

// Error puts one problem on each line.
func (l Problems) Error() string {
	lines := make([]string, len(l))
	for i, p := range l {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is and errors.As look at every problem.
func (l Problems) Unwrap() []error {
	errs := make([]error, len(l))
	for i, p := range l {
		errs[i] = p
	}
	return errs
}

// Err returns the list as an error, or nil when it is empty (never a typed nil).
func (l Problems) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// MaxProblems bounds what one file reports: a garbage file should not print a hundred thousand lines.
const MaxProblems = 100

// tidy sorts one file's problems by position, drops exact repeats (an unset variable used twice in one
// value, a broken anchored value used twice, is one problem) and truncates the list to MaxProblems;
// dropped counts problems found but not kept.
func (l Problems) tidy(dropped int) Problems {
	slices.SortStableFunc(l, func(a, b *Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
			strings.Compare(a.Field, b.Field), strings.Compare(a.Msg, b.Msg))
	})
	l = slices.CompactFunc(l, func(a, b *Problem) bool { return *a == *b })
	if len(l) > MaxProblems {
		rest := l[MaxProblems-1]
		more := &Problem{File: rest.File, Line: rest.Line, Column: rest.Column,
			Msg: fmt.Sprintf("too many errors: %d more from here on are not shown", len(l)-MaxProblems+1+dropped)}
		l = append(l[:MaxProblems-1:MaxProblems-1], more)
	}
	return l
}
