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
)

// DOMScript is the in-page library the helpers share (dom.js): traversal of documents, open shadow roots and
// same-origin iframes, visibility, roles and accessible names, locators. A Script's source marks where it
// goes with /*@dom*/, so every helper finds the same element for the same locator.
//
//go:embed dom.js
var DOMScript string

//go:embed probe.js
var probeSource string

// scriptWorld is the isolated world the helpers live in: the page's scripts cannot see them, and cannot fake
// a measurement by redefining the DOM methods they call (each world has its own JS bindings of the DOM).
const scriptWorld = "cancelpath"

// Script is an in-page helper: a JS expression that evaluates to function(op, ...args). It is installed
// once per document, in an isolated world of the page's top frame, and called by its object id; a new
// document (navigation) or another page (a popup) installs it again. A Script serves one context at a time.
type Script struct {
	name   string // in messages: "probe", "explore"
	source string
	page   proto.TargetTargetID
	helper proto.RuntimeRemoteObjectID
}

// NewScript prepares a helper whose source has DOMScript at its /*@dom*/ mark.
func NewScript(name, source string) *Script {
	return &Script{name: name, source: strings.Replace(source, "/*@dom*/", DOMScript, 1)}
}

// jsError is an exception thrown by a helper: the page rejected a locator, or the DOM changed under it.
// name is the exception's name (SyntaxError, LocatorError, …), from its "Name: message" description.
type jsError struct{ msg, name string }

func (e *jsError) Error() string { return e.msg }

// permanent tells an exception that waiting cannot mend: the page rejected a locator (a selector or a
// regular expression that does not parse: SyntaxError) or the helper got a target without one
// (LocatorError, thrown by dom.js). Other exceptions (the DOM changed under the helper) are worth a retry.
func (e *jsError) permanent() bool { return e.name == "SyntaxError" || e.name == "LocatorError" }

// exceptionName reads the name from an exception's description ("SyntaxError: Failed to execute …").
func exceptionName(desc string) string {
	name, _, ok := strings.Cut(desc, ":")
	if !ok || strings.ContainsAny(name, " \n") {
		return ""
	}
	return name
}

// Call runs op(args...) on page p and decodes its JSON result into out (nil: ignore it).
func (pr *Script) Call(ctx context.Context, p *rod.Page, out any, op string, args ...any) error {
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
			return fmt.Errorf("%s %s: %w", pr.name, op, &jsError{msg: msg, name: exceptionName(msg)})
		}
		if out == nil {
			return nil
		}
		if err := json.Unmarshal([]byte(res.Result.Value.JSON("", "")), out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", pr.name, op, err)
		}
		return nil
	}
	return fmt.Errorf("%s %s: %w", pr.name, op, lastErr)
}

// install creates the isolated world in the page's current top document and evaluates the source in it.
func (pr *Script) install(p *rod.Page) error {
	pr.page, pr.helper = p.TargetID, ""
	tree, err := proto.PageGetFrameTree{}.Call(p)
	if err != nil {
		return err
	}
	world, err := proto.PageCreateIsolatedWorld{FrameID: tree.FrameTree.Frame.ID, WorldName: scriptWorld}.Call(p)
	if err != nil {
		return err
	}
	res, err := proto.RuntimeEvaluate{Expression: pr.source, ContextID: world.ExecutionContextID}.Call(p)
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("install %s: %s", pr.name, res.ExceptionDetails.Text)
	}
	pr.helper = res.Result.ObjectID
	return nil
}

// stale tells an error that a new document or page explains: install the helper again.
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

// newProbe is the engine's own helper, probe.js.
func newProbe() *Script { return NewScript("probe", probeSource) }
