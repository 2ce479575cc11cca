package audit_test

import (
	"context"
	"fmt"

	"github.com/cancelpath/cancelpath/audit"
	"github.com/cancelpath/cancelpath/audit/rules"
	"github.com/cancelpath/cancelpath/audit/scenario"
	"github.com/cancelpath/cancelpath/demo"
	"github.com/cancelpath/cancelpath/results"
	"github.com/cancelpath/cancelpath/scenarios"
)

// A platform's own test audits its cancel path in a few lines: a browser, the rule packs, the scenario; the
// outcome says whether to stop the release. Here the site is the bundled demo 星辰卡盟 on 127.0.0.1.
func ExampleAuditor() {
	ctx := context.Background()
	site, err := demo.Start("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = site.Close() }()
	data, err := scenarios.Demo.ReadFile("demo/xingchen.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	env := site.Env()
	sc, err := scenario.Parse("xingchen.yaml", data, scenario.Options{
		Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc.Devices = []string{"desktop"}

	b, err := audit.OpenBrowser(ctx, audit.BrowserOptions{}) // the system Chromium
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = b.Close() }()
	packs, err := rules.Bundled()
	if err != nil {
		fmt.Println(err)
		return
	}
	a := audit.Auditor{Browser: b, Packs: packs, FailOn: rules.Major,
		Sinks: []audit.Sink{audit.SinkFunc(func(e *results.Entry) error {
			fmt.Printf("%s: %s, %d clicks to the cancel control\n", e.Key(), e.Status, *e.Metrics.ClicksToControl)
			return nil
		})}}
	doc, outcome, err := a.Audit(ctx, []*scenario.Scenario{sc})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range doc.Results {
		fmt.Printf("rank %d: %s grade %s\n", e.Rank, e.Site, e.Grade)
	}
	fmt.Println("outcome:", outcome.Kind())
	// Output:
	// xingchen@desktop: ok, 2 clicks to the cancel control
	// rank 1: 星辰卡盟 grade A
	// outcome: passed
}
