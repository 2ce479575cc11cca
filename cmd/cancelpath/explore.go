package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	yaml "go.yaml.in/yaml/v3"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/browser"
	"github.com/cancelpath/cancelpath/audit/explore"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

// exploreFlags are explore's flags.
type exploreFlags struct {
	url           string
	jurisdictions []string
	allowHosts    []string
	device        string
	chrome        string
	remote        string
	envFiles      []string
	lexicons      []string
	maxDepth      int
	maxActions    int
	timeout       time.Duration
	stepTimeout   time.Duration
	parallel      int
	complete      bool
	format        string
	out           string
	quiet         bool
}

var exploreFormats = []string{"text", "json", "dot", "yaml"}

func newExploreCmd() *cobra.Command {
	var f exploreFlags
	cmd := &cobra.Command{
		Use:   "explore [flags] SCENARIO.yaml | explore --url URL [flags]",
		Short: "Search a site for its cancel control and prove the shortest path to it",
		Long: `explore searches a site for its cancel control, without a scripted path: a breadth-first search
from the logged-in landing page over everything a person can activate (links, buttons, ARIA
buttons, links, menu items, tabs and switches, elements with click handlers, menus that open on
hover, native selects that pick a page (a phone's Tools menu); inside same-origin iframes and open
shadow roots). It logs in once per device and starts every branch from the session saved after it
(a site that drops the session is logged in again), on the deepest page of the branch that opens
by its URL; a context whose branch only followed links takes the next branch, any other is closed.

The goal is a control named by the cancel lexicon (退订, 取消自动续费, 关闭自动续费, 解约,
Cancel subscription, Turn off auto-renew, Kündigen, Résilier ...) or an auto-renewal switch that is
on. One that acts where it stands (a button, a switch) is found, never clicked. One that only loads
a page (a link: 前往退订页面, Go to cancellation) is followed: it is the control if that page starts
the cancellation (a confirmation, a retention offer, a cancellation form), a signpost on the way if
that page holds a control of its own. The search never activates what the deny lexicon names
(logout, delete account, pay, buy, recharge/充值, subscribe, change password ...), never submits a
form, never turns a switch or checkbox, and never follows a link off the site unless the scenario's
allow_hosts (or --allow-host) lists the host. --lexicon FILE adds terms (same keys as the bundled
lexicon: cancel, not_cancel, toggles, deny, deny_href, hints, flow, confirm, cancelled, signpost).

SCENARIO.yaml gives the login, device and jurisdictions (its cancel steps are not used, but the
file must load as audit loads it); --url explores a site without login.

Output: the shortest path (clicks, levels and hovers as audit measures them, from a verification
replay), the other candidates, a ready scenario (the cancel steps up to the control; add the steps
after it and done:), and a graph of the screens and actions explored as JSON and Graphviz DOT.
--format picks what goes to stdout; -o DIR writes all of them. Progress goes to stderr.

Exit codes: 0 found, 1 not found within the budgets, 2 usage or scenario errors, 3 runtime errors.`,
		Example: `  cancelpath explore --env-file demo.env scenarios/demo/yunduan.yaml
  cancelpath explore --url https://shop.example.com/ --jurisdiction cn -o out/
  cancelpath explore --format yaml scenarios/mysite.yaml > mysite.explored.yaml
  cancelpath explore --format dot scenarios/mysite.yaml | dot -Tsvg > graph.svg`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return exploreRun(cmd.Context(), &f, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "", "explore this site without login instead of a scenario's")
	fl.StringSliceVar(&f.jurisdictions, "jurisdiction", []string{"cn"}, "with --url: jurisdictions of the scenario written (cn, us-ca, us-ftc, de, eu, uk)")
	fl.StringSliceVar(&f.allowHosts, "allow-host", nil, "another host the search may visit, e.g. a payment channel (repeatable)")
	fl.StringVar(&f.device, "device", "desktop", "device to emulate: "+strings.Join(browser.DeviceNames(), ", ")+" (nothing is hovered on a touch device)")
	fl.StringVar(&f.chrome, "chrome", "", "Chromium binary (default: $"+browser.EnvChrome+", then the system's chromium)")
	fl.StringVar(&f.remote, "browser", "", "remote CDP browser to use instead of launching one (ws://… or http://host:port)")
	fl.StringArrayVar(&f.envFiles, "env-file", nil, "read ${VAR} values from this KEY=VALUE file (repeatable; they win over the environment)")
	fl.StringArrayVar(&f.lexicons, "lexicon", nil, "YAML file of more cancel, deny ... terms (repeatable)")
	fl.IntVar(&f.maxDepth, "max-depth", explore.DefaultMaxDepth, "most actions from the landing page before the control")
	fl.IntVar(&f.maxActions, "max-actions", explore.DefaultMaxActions, "most actions tried (each is a replay of its branch)")
	fl.DurationVar(&f.timeout, "timeout", explore.DefaultTimeout, "wall time of the search")
	fl.DurationVar(&f.stepTimeout, "step-timeout", 0, "timeout of each explored step (default: the scenario's, at most 3s)")
	fl.IntVar(&f.parallel, "parallel", explore.DefaultParallel, "replays (browser contexts) at once")
	fl.BoolVar(&f.complete, "complete", false, "finish the level where a control is found, to list every control at that distance")
	fl.StringVarP(&f.format, "format", "f", "text", "what to print on stdout: "+strings.Join(exploreFormats, ", "))
	fl.StringVarP(&f.out, "out", "o", "", "folder to write all outputs to: ID-explore.json, ID-graph.dot, ID-scenario.yaml, ID-summary.txt")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on stderr")
	return cmd
}

func exploreRun(ctx context.Context, f *exploreFlags, args []string, stdout, stderr io.Writer) error {
	if err := f.check(args); err != nil {
		return err
	}
	lex, err := explore.LoadLexicon(f.lexicons...)
	if err != nil {
		return usageErr("%v", err)
	}
	sc, source, err := f.scenario(args, stderr)
	if err != nil {
		return err
	}
	for _, h := range f.allowHosts {
		if !validHost(h) {
			return usageErr("--allow-host %q: give a host name, optionally with a port (pay.example.com)", h)
		}
	}
	sc.AllowHosts = append(sc.AllowHosts, f.allowHosts...)

	progress := stderr
	if f.quiet {
		progress = io.Discard
	}
	b, err := audit.OpenBrowser(ctx, audit.BrowserOptions{Chrome: f.chrome, Remote: f.remote})
	if err != nil {
		return runtimeErr(err)
	}
	defer func() { _ = b.Close() }() // stops the browser; it reports no error
	res, err := explore.Explore(ctx, b, sc, explore.Options{
		Device: f.device, MaxDepth: f.maxDepth, MaxActions: f.maxActions, Timeout: f.timeout,
		StepTimeout: f.stepTimeout, Parallel: f.parallel, Complete: f.complete, Lexicon: lex, Progress: progress,
	})
	if err != nil {
		return runtimeErr(err)
	}
	outputs, err := exploreOutputs(res, sc, source)
	if err != nil {
		return runtimeErr(err)
	}
	if f.out != "" {
		if err := writeExploreOutputs(f.out, sc.ID, outputs); err != nil {
			return runtimeErr(err)
		}
	}
	if out, ok := outputs[f.format]; ok {
		if _, err := stdout.Write(out); err != nil {
			return runtimeErr(err)
		}
	}
	if res.Status != explore.StatusFound {
		return &exitError{exitFindings, errors.New("explore: " + res.Reason)}
	}
	return nil
}

// check validates the flags that need no file or browser.
func (f *exploreFlags) check(args []string) error {
	switch {
	case f.url == "" && len(args) == 0:
		return usageErr("explore: give a scenario file or --url (see cancelpath explore --help)")
	case f.url != "" && len(args) > 0:
		return usageErr("explore: give a scenario file or --url, not both")
	case f.maxDepth < 1, f.maxActions < 1, f.parallel < 1:
		return usageErr("explore: --max-depth, --max-actions and --parallel must be at least 1")
	case f.timeout <= 0 || f.stepTimeout < 0:
		return usageErr("explore: --timeout must be positive")
	}
	if _, err := browser.LookupDevice(f.device); err != nil {
		return usageErr("--device: %v", err)
	}
	for _, want := range exploreFormats {
		if f.format == want {
			return nil
		}
	}
	return usageErr("--format %q: use one of %s", f.format, strings.Join(exploreFormats, ", "))
}

// scenario loads the scenario file (and returns its bytes, for the scenario written back), or builds one
// for --url through the loader, so the URL and jurisdictions are checked as a file's would be.
func (f *exploreFlags) scenario(args []string, stderr io.Writer) (*scenario.Scenario, []byte, error) {
	lookup, err := envLookup(f.envFiles, stderr)
	if err != nil {
		return nil, nil, err
	}
	opts := scenario.Options{Env: lookup, AllowMissingCancel: true}
	if f.url == "" {
		data, err := os.ReadFile(args[0])
		if err != nil {
			return nil, nil, usageErr("%v", err)
		}
		sc, err := scenario.Parse(args[0], data, opts)
		if err != nil {
			printProblems(stderr, err)
			return nil, nil, usageErr("explore: %s does not load", args[0])
		}
		return sc, data, nil
	}
	u, err := url.Parse(f.url)
	if err != nil || u.Host == "" {
		return nil, nil, usageErr("--url %q: give an absolute http(s) URL", f.url)
	}
	doc, err := yaml.Marshal(map[string]any{
		"site": u.Hostname(), "id": siteID(u.Hostname()), "url": f.url, "jurisdictions": f.jurisdictions, "start": f.url,
	})
	if err != nil {
		return nil, nil, runtimeErr(err)
	}
	sc, err := scenario.Parse("--url", bytes.ReplaceAll(doc, []byte("$"), []byte("$$")), scenario.Options{AllowMissingCancel: true})
	if err != nil {
		printProblems(stderr, err)
		return nil, nil, usageErr("explore: --url %s or --jurisdiction is not valid", f.url)
	}
	sc.File, sc.SHA256 = "", ""
	return sc, nil, nil
}

var nonIDChars = regexp.MustCompile(`[^a-z0-9_]+`)

// siteID derives a scenario id from a host name: shop.example.com → shop-example-com.
func siteID(host string) string {
	id := strings.Trim(nonIDChars.ReplaceAllString(strings.ToLower(host), "-"), "-")
	if len(id) > 64 {
		id = strings.TrimRight(id[:64], "-")
	}
	if id == "" {
		return "site"
	}
	return id
}

func validHost(h string) bool {
	u, err := url.Parse("//" + h)
	return err == nil && h != "" && u.Host == h && u.User == nil && u.Path == "" && u.RawQuery == ""
}

// exploreOutputs renders the result in every format; yaml only when a control was found.
func exploreOutputs(res *explore.Result, sc *scenario.Scenario, source []byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return nil, fmt.Errorf("explore json: %w", err)
	}
	out["json"] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := res.Graph.WriteDOT(&buf, sc.ID); err != nil {
		return nil, fmt.Errorf("explore dot: %w", err)
	}
	out["dot"] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := res.WriteText(&buf); err != nil {
		return nil, fmt.Errorf("explore text: %w", err)
	}
	out["text"] = bytes.Clone(buf.Bytes())
	if res.Shortest != nil {
		y, err := res.ScenarioYAML(sc, source)
		if err != nil {
			return nil, err
		}
		out["yaml"] = y
	}
	return out, nil
}

// writeExploreOutputs writes every rendered output into dir, named after the scenario id.
func writeExploreOutputs(dir, id string, outputs map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("explore: %w", err)
	}
	names := map[string]string{"json": "-explore.json", "dot": "-graph.dot", "yaml": "-scenario.yaml", "text": "-summary.txt"}
	for format, suffix := range names {
		data, ok := outputs[format]
		if !ok {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, id+suffix), data, 0o644); err != nil {
			return fmt.Errorf("explore: %w", err)
		}
	}
	return nil
}
