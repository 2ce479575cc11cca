package run

import "github.com/go-rod/rod/lib/input"

// keys are the key names a press step may use.
var keys = map[string]input.Key{
	"Enter": input.Enter, "Escape": input.Escape, "Tab": input.Tab, "Backspace": input.Backspace,
	"Delete": input.Delete, "Space": input.Space, "ArrowUp": input.ArrowUp, "ArrowDown": input.ArrowDown,
	"ArrowLeft": input.ArrowLeft, "ArrowRight": input.ArrowRight, "PageUp": input.PageUp,
	"PageDown": input.PageDown, "Home": input.Home, "End": input.End,
}
