package run

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/ysmood/gson"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/audit/scenario"
)

//go:embed probe.js
var probeSource string

// probeWorld is the isolated world the probe lives in: the page's scripts cannot see it, and cannot fake a
// measurement by redefining the DOM methods it calls (each world has its own JS bindings of the DOM).
const probeWorld = "cancelpath"

// prober calls probe.js in the top frame of one page. The probe is installed once per document and called
// by its object id; a new document (navigation) or a new page (popup) installs it again.
type prober struct {
	page   proto.TargetTargetID
	helper proto.RuntimeRemoteObjectID
}

// jsError is an exception thrown by the probe: the page rejected a locator, or the DOM changed under it.
type jsError struct{ msg string }

func (e *jsError) Error() string { return e.msg }

// call runs probe(op, args...) and decodes its JSON result into out (nil: ignore it).
func (pr *prober) call(ctx context.Context, p *rod.Page, out any, op string, args ...any) error {
	callArgs := []*proto.RuntimeCallArgument{{Value: gson.New(op)}}
	for _, a := range args {
		callArgs = append(callArgs, &proto.RuntimeCallArgument{Value: gson.New(a)})
	}
	var lastErr error
	for attempt := 0; attempt < 4; attempt++ {
		if pr.page != p.TargetID || pr.helper == "" {
			if err := pr.install(p); err != nil {
				lastErr = err
				if ctx.Err() != nil {
					break
				}
				time.Sleep(20 * time.Millisecond) // a document between two lives: try again
				continue
			}
		}
		res, err := proto.RuntimeCallFunctionOn{ObjectID: pr.helper, ReturnByValue: true, Arguments: callArgs,
			FunctionDeclaration: `function (op, ...args) { return this(op, ...args) }`}.Call(p)
		if err != nil {
			lastErr = err
			if stale(err) {
				pr.helper = ""
				continue
			}
			break
		}
		if res.ExceptionDetails != nil {
			msg := res.ExceptionDetails.Text
			if res.ExceptionDetails.Exception != nil && res.ExceptionDetails.Exception.Description != "" {
				msg = res.ExceptionDetails.Exception.Description
			}
			if i := strings.IndexByte(msg, '\n'); i > 0 {
				msg = msg[:i] // the first line says it; the stack is probe.js's
			}
			return fmt.Errorf("probe %s: %w", op, &jsError{msg: msg})
		}
		if out == nil {
			return nil
		}
		if err := json.Unmarshal([]byte(res.Result.Value.JSON("", "")), out); err != nil {
			return fmt.Errorf("probe %s: decode: %w", op, err)
		}
		return nil
	}
	return fmt.Errorf("probe %s: %w", op, lastErr)
}

// install creates the isolated world in the page's current top document and evaluates probe.js in it.
func (pr *prober) install(p *rod.Page) error {
	pr.page, pr.helper = p.TargetID, ""
	tree, err := proto.PageGetFrameTree{}.Call(p)
	if err != nil {
		return err
	}
	world, err := proto.PageCreateIsolatedWorld{FrameID: tree.FrameTree.Frame.ID, WorldName: probeWorld}.Call(p)
	if err != nil {
		return err
	}
	res, err := proto.RuntimeEvaluate{Expression: probeSource, ContextID: world.ExecutionContextID}.Call(p)
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("install probe: %s", res.ExceptionDetails.Text)
	}
	pr.helper = res.Result.ObjectID
	return nil
}

// stale tells an error that a new document or page explains: install the probe again.
func stale(err error) bool {
	var ce *rod.ObjectNotFoundError
	if errors.As(err, &ce) {
		return true
	}
	m := err.Error()
	for _, s := range []string{"Cannot find context", "Could not find object", "context was destroyed",
		"Execution context was destroyed", "No frame", "Cannot find object"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// jsTarget is the locator as probe.js reads it.
type jsTarget struct {
	Text         string    `json:"text,omitempty"`
	TextContains string    `json:"text_contains,omitempty"`
	TextRegex    string    `json:"text_regex,omitempty"` // JS source; flags apart (see scenario.JSRegex)
	TextFlags    string    `json:"text_flags,omitempty"`
	Role         string    `json:"role,omitempty"`
	Name         string    `json:"name,omitempty"`
	NameRegex    string    `json:"name_regex,omitempty"`
	NameFlags    string    `json:"name_flags,omitempty"`
	CSS          string    `json:"css,omitempty"`
	XPath        string    `json:"xpath,omitempty"`
	Within       *jsTarget `json:"within,omitempty"`
	Nth          int       `json:"nth,omitempty"`
}

func toJS(t *scenario.Target) *jsTarget {
	if t == nil {
		return nil
	}
	j := &jsTarget{Text: t.Text, TextContains: t.TextContains, Role: t.Role, Name: t.Name, CSS: t.CSS, XPath: t.XPath,
		Within: toJS(t.Within), Nth: t.Nth}
	if t.TextRegex != "" {
		j.TextRegex, j.TextFlags = scenario.JSRegex(t.TextRegex)
	}
	if t.NameRegex != "" {
		j.NameRegex, j.NameFlags = scenario.JSRegex(t.NameRegex)
	}
	return j
}

type pageState struct {
	URL    string  `json:"url"`
	Origin float64 `json:"origin"` // performance.timeOrigin: a new value means a new document
	Title  string  `json:"title"`
}

type probeResult struct {
	Count int  `json:"count"`
	OK    bool `json:"ok"`
}

type measured struct {
	Label        string  `json:"label"`
	Role         string  `json:"role"`
	Tag          string  `json:"tag"`
	Contrast     float64 `json:"contrast"`
	FontSize     float64 `json:"font_size"`
	TargetSize   string  `json:"target_size"`
	SizeRatio    float64 `json:"size_ratio"`
	InFrame      bool    `json:"in_frame"`
	InShadow     bool    `json:"in_shadow"`
	LargestOther *struct {
		Label string      `json:"label"`
		Box   metrics.Box `json:"box"`
	} `json:"largest"`
}

type prepared struct {
	Found               bool        `json:"found"`
	Box                 metrics.Box `json:"box"`
	InViewportOnArrival bool        `json:"in_viewport_on_arrival"`
	X                   float64     `json:"x"` // the click point, in viewport coordinates for Input events
	Y                   float64     `json:"y"`
	Receives            bool        `json:"receives"`
	CoveredBy           string      `json:"covered_by"`
	PointerEventsNone   bool        `json:"pointer_events_none"`
	Disabled            bool        `json:"disabled"`
	AriaHidden          bool        `json:"aria_hidden"` // it or an ancestor has aria-hidden="true"
	Checked             bool        `json:"checked"`
	Tag                 string      `json:"tag"`
	URL                 string      `json:"url"`
	Measure             *measured   `json:"measure"`
	OfferText           string      `json:"offer_text"`
}

// hitResult says whether the last prepared target still receives a click at a point, and what does if not.
type hitResult struct {
	Receives bool   `json:"receives"`
	Hit      string `json:"hit"`
}

type prepareOpts struct {
	Scroll  bool   `json:"scroll"`
	Measure bool   `json:"measure"`
	Offers  string `json:"offers,omitempty"` // regex of retention-offer words; empty: not checked
}

type readResult struct {
	Found    bool    `json:"found"`
	Text     string  `json:"text"`
	FontSize float64 `json:"font_size"`
	Contrast float64 `json:"contrast"`
	Checked  bool    `json:"checked"`
}

type screenResult struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Text  string `json:"text"`
}
