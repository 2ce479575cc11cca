package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/reports"
)

func newRulesCmd() *cobra.Command {
	var files []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule packs, show their rules, list the metrics rules can check",
		Long: `Rule packs turn measurements into verdicts: one pack per jurisdiction or standard (cn, de, eu, uk,
us-ca, us-ftc, us-ma, us-mn, us-ny, wcag; cn-sector holds China's sector rules for apps and internet TV,
applied only when named; us-ftc-2024 is the vacated FTC rule, kept for reference). Packs are YAML,
embedded in the binary; --rules-file adds your own (validated as strictly as scenarios), and its
jurisdiction becomes one scenarios may name. Without --rules, an audit applies the packs of each
scenario's jurisdictions that are in force, plus wcag.

Each pack says when its citations and statuses were last checked (CHECKED); each verdict carries the
rule's legal status on the day of the run. A rule whose citation or quote could not be verified says
so (unverified), and a duty no browser run can test is listed as not measured.

  cancelpath rules                    list the packs
  cancelpath rules show cn            a pack's rules
  cancelpath rules show cn.effect     one rule in full
  cancelpath rules metrics            the metrics a rule can check

The pack format and the scoring are described in audit/rules/README.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			packs, err := loadRulePacks(files)
			if err != nil {
				return err
			}
			return writeTable(cmd.OutOrStdout(),
				[]string{"ID", "JURISDICTION", "STATUS", "CHECKED", "DEFAULT", "RULES", "TITLE"}, packRows(packs))
		},
	}
	cmd.PersistentFlags().StringArrayVar(&files, "rules-file", nil, "add the rule pack in this YAML file (repeatable)")
	cmd.AddCommand(newRulesShowCmd(&files), newRulesMetricsCmd())
	return cmd
}

func newRulesShowCmd(files *[]string) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a pack's rules, or one rule in full",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			packs, err := loadRulePacks(*files)
			if err != nil {
				return err
			}
			p, r, err := rules.Find(packs, args[0])
			if err != nil {
				return usageErr("rules show: %v", err)
			}
			if r != nil {
				return writeRule(cmd.OutOrStdout(), p, r)
			}
			return writePack(cmd.OutOrStdout(), p)
		},
	}
}

func newRulesMetricsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "metrics",
		Short: "List the metrics a rule can check",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rows [][]string
			for _, m := range rules.Metrics() {
				rows = append(rows, []string{m.Name, string(m.Type), m.Doc})
			}
			return writeTable(cmd.OutOrStdout(), []string{"METRIC", "TYPE", "WHAT IT IS"}, rows)
		},
	}
}

// loadRulePacks loads the bundled packs and the user's: a bad user file is a usage error, a bad bundled pack
// a bug of this build.
func loadRulePacks(files []string) ([]*rules.Pack, error) {
	if _, err := rules.Bundled(); err != nil {
		return nil, runtimeErr(err)
	}
	packs, err := rules.LoadAll(files)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return packs, nil
}

func packRows(packs []*rules.Pack) [][]string {
	rows := make([][]string, 0, len(packs))
	for _, p := range packs {
		def := "for " + p.Jurisdiction + " scenarios"
		switch {
		case p.Status == rules.StatusVacated || p.Status == rules.StatusNotYetInForce || p.Default == rules.SelectNever:
			def = "no (--rules " + p.ID + ")"
		case p.Default == rules.SelectAlways:
			def = "always"
		}
		rows = append(rows, []string{p.ID, p.Jurisdiction, rules.StatusText(p.Status, p.Since),
			orElse(p.Checked, "-"), def, fmt.Sprint(len(p.Rules)), p.Title})
	}
	return rows
}

func writePack(w io.Writer, p *rules.Pack) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", p.ID, p.Title)
	fmt.Fprintf(&b, "jurisdiction: %s\nstatus:       %s\nchecked:      %s\nsource:       %s\n", p.Jurisdiction,
		rules.StatusText(p.Status, p.Since), orElse(p.Checked, "not stated"), p.Source)
	if p.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", p.Description)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return runtimeErr(err)
	}
	rows := make([][]string, 0, len(p.Rules))
	unverified := false
	for _, r := range p.Rules {
		check := "not measured"
		if r.Check != nil {
			check = r.Check.String()
		}
		if r.When != nil {
			check += "  (when " + r.When.String() + ")"
		}
		check = shorten(check, 64)
		weight := fmt.Sprint(r.Weight)
		if r.Cap != nil {
			weight += fmt.Sprintf(" (cap %v)", *r.Cap)
		}
		basis := string(r.Basis)
		if r.Unverified != "" {
			basis += " *"
			unverified = true
		}
		rows = append(rows, []string{r.ID, string(r.Severity), weight, basis, check, r.Title})
	}
	if err := writeTable(w, []string{"RULE", "SEVERITY", "WEIGHT", "BASIS", "CHECK", "TITLE"}, rows); err != nil {
		return err
	}
	if unverified {
		if _, err := io.WriteString(w, "\n* part of the citation or quote is unverified: rules show RULE says which\n"); err != nil {
			return runtimeErr(err)
		}
	}
	return nil
}

func writeRule(w io.Writer, p *rules.Pack, r *rules.Rule) error {
	var b strings.Builder
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%-13s %s\n", name+":", value)
		}
	}
	fmt.Fprintf(&b, "%s  %s\n", r.ID, r.Title)
	field("pack", p.ID+" ("+p.Title+")")
	field("jurisdiction", r.Jurisdiction)
	field("citation", r.Citation)
	quote := string(r.Quote)
	if r.Unverified != "" {
		quote += ", unverified"
	}
	field("requirement", r.Requirement+" ["+quote+"]")
	field("unverified", r.Unverified)
	field("status", rules.StatusText(r.Status, r.Since))
	field("checked", p.Checked)
	field("basis", string(r.Basis))
	field("source", r.Source)
	field("check", ruleCheck(r))
	if r.When != nil {
		field("applies when", r.When.String())
	}
	field("severity", string(r.Severity))
	field("weight", fmt.Sprint(r.Weight))
	if r.Cap != nil {
		field("cap", fmt.Sprintf("a failure caps the pack score (and the overall score) at %v", *r.Cap))
	}
	field("note", r.Note)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return runtimeErr(err)
	}
	return nil
}

// ruleCheck describes what a rule tests: its check, or why it is not measured.
func ruleCheck(r *rules.Rule) string {
	if r.Check == nil {
		return "not measured: " + r.NotMeasured
	}
	return r.Check.String()
}

// writeTable renders a plain borderless table.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	var buf bytes.Buffer
	table := reports.NewPlainTable(&buf,
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	table.Header(header)
	if err := table.Bulk(rows); err != nil {
		return runtimeErr(fmt.Errorf("table: %w", err))
	}
	if err := table.Render(); err != nil {
		return runtimeErr(fmt.Errorf("table: %w", err))
	}
	// The renderer pads every cell, the last one too: trailing blanks only get in the way of grep and diff.
	var out strings.Builder
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		out.WriteString(strings.TrimRight(line, " \n"))
		if strings.HasSuffix(line, "\n") {
			out.WriteString("\n")
		}
	}
	if _, err := io.WriteString(w, out.String()); err != nil {
		return runtimeErr(err)
	}
	return nil
}

// shorten cuts s to max runes with an ellipsis; `rules show RULE` prints it whole.
func shorten(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
