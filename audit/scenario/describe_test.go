package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTargetString(t *testing.T) {
	cases := []struct {
		target *Target
		want   string
	}{
		{&Target{Text: "退订"}, `text="退订"`},
		{&Target{TextContains: "自动续费"}, `text_contains="自动续费"`},
		{&Target{TextRegex: `^退订$`}, `text_regex="^退订$"`},
		{&Target{Role: "button", Name: "退订"}, `role=button name="退订"`},
		{&Target{Role: "switch", NameRegex: "自动.*"}, `role=switch name_regex="自动.*"`},
		{&Target{Role: "dialog"}, `role=dialog`},
		{&Target{CSS: "#x", Within: &Target{CSS: ".menu"}, Nth: 1}, `css="#x" (within css=".menu") [nth=1]`},
		{&Target{XPath: `//a[@title="x"]`}, `xpath="//a[@title=\"x\"]"`},
		{&Target{Text: "a", Within: &Target{Role: "dialog", Within: &Target{CSS: "main"}}}, `text="a" (within role=dialog (within css="main"))`},
		{nil, "(no target)"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.target.String())
	}
}

func TestConditionAndStepString(t *testing.T) {
	assert.Equal(t, `text="已关闭"`, Condition{Target: &Target{Text: "已关闭"}}.String())
	assert.Equal(t, `url=~"/done$"`, Condition{URL: "/done$"}.String())

	for _, c := range []struct {
		step Step
		want string
	}{
		{Step{Action: Goto, URL: "/login"}, "goto /login"},
		{Step{Action: Fill, Target: &Target{CSS: "#p"}, Value: "secret"}, `fill css="#p"`},
		{Step{Action: Press, Value: "Shift+Tab"}, "press Shift+Tab"},
		{Step{Action: Wait, Duration: 1500 * time.Millisecond}, "wait 1.5s"},
		{Step{Action: Screenshot, Name: "end"}, "screenshot end"},
		{Step{Action: Expect, Target: &Target{Text: "x"}, Absent: true}, `expect text="x" (absent)`},
	} {
		assert.Equal(t, c.want, c.step.String())
	}
}

func TestJSRegex(t *testing.T) {
	src, flags := JSRegex("(?i)^cancel")
	assert.Equal(t, "^cancel", src)
	assert.Equal(t, "i", flags)
	src, flags = JSRegex("^退订$")
	assert.Equal(t, "^退订$", src)
	assert.Equal(t, "", flags)
}

func TestCanonicalKey(t *testing.T) {
	for in, want := range map[string]string{
		"Enter": "Enter", "enter": "Enter", "ESC": "Escape", "Return": "Enter", "tab": "Tab",
		"PageDown": "PageDown", "space": "Space", "up": "ArrowUp", " Home ": "Home",
	} {
		got, err := canonicalKey(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for in, msg := range map[string]string{
		"":          "empty key name",
		"Entr":      "did you mean Enter?",
		"Escpae":    "did you mean Escape?",
		"Shift+Tab": `unknown key "Shift+Tab": expected one of Enter`,
		"a":         `unknown key "a"`,
		"F5":        `unknown key "F5"`,
	} {
		_, err := canonicalKey(in)
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), msg, in)
		}
	}
}
