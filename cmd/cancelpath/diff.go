package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until its issue lands: says so instead of pretending.
func newDiffCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "diff",
		Short: "(not yet implemented)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return &exitError{exitUsage, errors.New("diff: not yet implemented")}
		},
	}
}
