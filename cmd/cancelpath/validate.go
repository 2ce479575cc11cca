package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

func newValidateCmd() *cobra.Command {
	var (
		envFiles     []string
		allowMissing bool
		schemes      []string
		ruleFiles    []string
	)
	cmd := &cobra.Command{
		Use:   "validate [flags] PATH...",
		Short: "Check scenario files without a browser",
		Long: `Check scenario files exactly as audit loads them, without starting a browser: YAML syntax,
unknown keys (with the closest valid one), types, required fields, jurisdictions (those of the bundled
rule packs and of any --rules-file) and devices, one action per step, arguments and modifiers that fit
their action, exactly one control step, targets with one locator, regexes, a syntax check of CSS and
XPath selectors, durations, URL schemes, ${VAR} variables, session files, and ids unique across all
the files. The format is scenarios/FORMAT.md.

PATH is a scenario file or a folder; folders are searched recursively for *.yaml and *.yml files
(in sorted order, skipping folders whose name starts with a dot).

Each valid file gets one line on stdout:
  ok  FILE  id=ID devices=LIST steps: login N, cancel N
Each problem gets one line on stderr, every problem of every file at once:
  FILE:LINE:COLUMN: FIELD: MESSAGE

${VAR} values come from the environment and from --env-file files (KEY=VALUE lines, # comments,
optional quotes and "export "). Values in an env file win over the environment, and a later file
wins over an earlier one. A variable set nowhere is an error, unless --allow-missing-env is given:
then it expands to an empty string and the checks that depend on its value are skipped, so that a
CI job without access to the secrets can still check everything else.

Exit codes: 0 every file is valid, 2 at least one problem (or a usage error).`,
		Example: `  cancelpath validate scenarios/
  cancelpath validate --env-file demo.env scenarios/demo/xingchen.yaml
  cancelpath validate --allow-missing-env scenarios/    # in CI, without the secrets`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("validate: give at least one scenario file or folder (see cancelpath validate --help)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			lookup, err := envLookup(envFiles, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			packs, err := loadRulePacks(ruleFiles)
			if err != nil {
				return err
			}
			opts := scenario.Options{Env: lookup, AllowSchemes: schemes, AllowMissingEnv: allowMissing,
				Jurisdictions: rules.Jurisdictions(packs)}
			return validate(cmd.OutOrStdout(), cmd.ErrOrStderr(), args, opts)
		},
	}
	cmd.Flags().StringArrayVar(&envFiles, "env-file", nil,
		"read ${VAR} values from this KEY=VALUE file (repeatable; they win over the environment)")
	cmd.Flags().BoolVar(&allowMissing, "allow-missing-env", false,
		"expand unset variables to \"\" instead of failing, and skip the checks that depend on them")
	cmd.Flags().StringSliceVar(&schemes, "allow-scheme", nil,
		"also accept URLs with this scheme in url, start and goto, e.g. file (repeatable)")
	cmd.Flags().StringArrayVar(&ruleFiles, "rules-file", nil,
		"also accept the jurisdiction of the rule pack in this YAML file (repeatable), as audit --rules-file does")
	return cmd
}

// validate loads every scenario under paths and reports each valid file on stdout and each problem on
// stderr. The returned error only summarises: the problems have been printed already.
func validate(stdout, stderr io.Writer, paths []string, opts scenario.Options) error {
	scs, err := scenario.Load(paths, opts)
	for _, s := range scs {
		fmt.Fprintf(stdout, "ok  %s  id=%s devices=%s steps: login %d, cancel %d\n",
			s.File, s.ID, strings.Join(s.Devices, ","), len(s.Login), len(s.Cancel))
	}
	if err == nil {
		return nil
	}
	problems, files := printProblems(stderr, err)
	return &exitError{exitUsage, fmt.Errorf("validate: %s in %s", plural(problems, "problem"), plural(files, "file"))}
}

// printProblems writes one line per problem and counts the problems and the files they are in.
func printProblems(w io.Writer, err error) (problems, files int) {
	var list scenario.ErrorList
	if !errors.As(err, &list) {
		fmt.Fprintln(w, err)
		return 1, 1
	}
	seen := map[string]bool{}
	for _, e := range list {
		fmt.Fprintln(w, e)
		if !seen[e.File] {
			seen[e.File] = true
			files++
		}
	}
	return len(list), files
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// envLookup returns the ${VAR} lookup for scenario.Options: the env files' values (a later file wins
// over an earlier one) over the process environment. Problems in the files are printed to stderr.
func envLookup(files []string, stderr io.Writer) (func(string) (string, bool), error) {
	vars := map[string]string{}
	for _, f := range files {
		fileVars, err := scenario.ReadEnvFile(f)
		if err != nil {
			problems, _ := printProblems(stderr, err)
			return nil, &exitError{exitUsage, fmt.Errorf("env file %s: %s", f, plural(problems, "problem"))}
		}
		for k, v := range fileVars {
			vars[k] = v
		}
	}
	return func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		return os.LookupEnv(name)
	}, nil
}
