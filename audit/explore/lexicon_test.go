package explore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

func TestLexiconMatching(t *testing.T) {
	lex, err := DefaultLexicon()
	require.NoError(t, err)
	tests := []struct {
		label        string
		cancel, deny string // the term matched, "" for none
		toggle       bool   // IsToggle only reads the name: the caller asks it of switches and checkboxes
	}{
		{label: "退订", cancel: "退订"},
		{label: "申请退订", cancel: "退订"},
		{label: "关闭自动续费", cancel: "关闭自动续费", toggle: true},
		{label: "退订指引", cancel: ""},                    // a help article about cancelling
		{label: "如何取消自动续费？", cancel: "", toggle: true}, // a question
		{label: "Cancel Subscription", cancel: "cancel subscription"},
		{label: "Cancel", cancel: ""},                 // a dialog's dismiss button, not the cancel control
		{label: "Unsubscribe", cancel: "unsubscribe"}, // not "subscribe" (deny)
		{label: "Verträge hier kündigen", cancel: "verträge hier kündigen"},
		{label: "Kündigungsfrist", cancel: ""}, // a word that only starts like one
		{label: "Résilier mon abonnement", cancel: "résilier mon abonnement"},
		{label: "Annuler l’abonnement", cancel: "annuler l'abonnement"},
		{label: "退出", deny: "退出"},
		{label: "前往银河支付"}, // the way to a payment channel, not a payment
		{label: "立即支付", deny: "立即支付"},
		{label: "Display settings"}, // "pay" is not a word of it
		{label: "Pay now", deny: "pay now"},
		{label: "Subscribe", deny: "subscribe"},
		{label: "充值说明", deny: "充值"},
		{label: "自动续费", toggle: true},
		{label: "Auto-renew", toggle: true},
		{label: "Go to cancellation", cancel: "cancellation"},
		{label: "Cancellation policy", cancel: ""}, // a policy, not a way to cancel
		{label: "Zur Kündigung", cancel: "kündigung"},
		{label: "前往退订页面", cancel: "退订"},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			term, ok := lex.IsCancel(tc.label)
			assert.Equal(t, tc.cancel, term, "cancel term")
			assert.Equal(t, tc.cancel != "", ok)
			assert.Equal(t, tc.deny, lex.Denied(tc.label), "deny term")
			_, toggle := lex.IsToggle(tc.label)
			assert.Equal(t, tc.toggle, toggle, "toggle")
		})
	}
	assert.Equal(t, "logout", lex.DeniedHref("/shop/Logout?next=/"))
	assert.Equal(t, "/pay", lex.DeniedHref("/vip/pay"))
	assert.Empty(t, lex.DeniedHref("/entry?token=abc"))
	assert.True(t, lex.Hint("我的"))
	assert.False(t, lex.Hint("游戏点卡"))
	assert.True(t, lex.Hint("Manage Subscriptions"))
}

func TestLexiconFlow(t *testing.T) {
	lex, err := DefaultLexicon()
	require.NoError(t, err)
	for label, want := range map[string]bool{
		"确认退订": true, "仍要取消": true, "再想想": true, "Yes, cancel my subscription": true, "Keep my subscription": true,
		"jetzt kündigen": true, "Kündigung bestätigen": true, "Vertrag behalten": true,
		"退订": false, "Cancel subscription": false, "Vertrag kündigen": false, "确定": false,
	} {
		_, ok := lex.IsFlow(label)
		assert.Equal(t, want, ok, label)
	}
	for label, want := range map[string]bool{"确定": true, "Confirm": true, "Yes!": true, "Bestätigen": true, "确定退订": false, "OK": false} {
		assert.Equal(t, want, lex.IsConfirm(label), label)
	}
	assert.Equal(t, "已退订", lex.SaysCancelled("退订结果 已退订 您已成功退订自动续费"))
	assert.Empty(t, lex.SaysCancelled("自动续费：已开启"))
	for label, want := range map[string]bool{"前往退订页面": true, "Go to cancellation": true, "Zur Kündigung": true, "退订": false,
		"Cancel subscription": false} {
		assert.Equal(t, want, lex.IsSignpost(label), label)
	}
}

func TestLoadLexicon(t *testing.T) {
	lex, err := LoadLexicon("testdata/lexicon/extra.yaml")
	require.NoError(t, err)
	term, ok := lex.IsCancel("Stop Membership")
	assert.True(t, ok)
	assert.Equal(t, "stop membership", term)
	assert.Equal(t, "auf wiedersehen", lex.Denied("Auf  Wiedersehen"))
	_, ok = lex.IsCancel("退订")
	assert.True(t, ok, "the bundled terms stay")

	for file, want := range map[string]string{
		"unknown-key.yaml": `testdata/lexicon/unknown-key.yaml:3:1: denied: unknown key "denied" in a lexicon: expected one of cancel, not_cancel,`,
		"wrong-type.yaml":  "testdata/lexicon/wrong-type.yaml:3:7: deny: must be a list, got a string (write [auf wiedersehen])",
		"empty-term.yaml":  "testdata/lexicon/empty-term.yaml:3:4: deny[1]: is empty: give a value or remove the item",
		"missing.yaml":     "lexicon testdata/lexicon/missing.yaml: open testdata/lexicon/missing.yaml: no such file or directory",
	} {
		t.Run(file, func(t *testing.T) {
			_, err := LoadLexicon("testdata/lexicon/" + file)
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
		})
	}
}

// A lexicon file is read by the same strict layer as scenarios and rule packs: every problem at once, in
// the same words, aliases within a budget, one document per file.
func TestParseLexiconProblems(t *testing.T) {
	_, err := parseLexicon("x.yaml", []byte("cancel: [stop, '  ', [a]]\ndeny: {a: b}\ncancle: [x]\ncancel: [y]\n"))
	require.Error(t, err)
	assert.Equal(t, `x.yaml:1:16: cancel[1]: must not be empty
x.yaml:1:22: cancel[2]: must be a string, got a list
x.yaml:2:7: deny: must be a list, got a mapping
x.yaml:3:1: cancle: unknown key "cancle" in a lexicon: did you mean "cancel"?
x.yaml:4:1: cancel: duplicate key (first at line 1)`, err.Error())

	l, err := parseLexicon("x.yaml", []byte("cancel: &c [Stop  Membership]\nflow: *c\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"stop membership"}, l.Flow, "an alias reuses a list")

	_, err = parseLexicon("many.yaml", []byte("hints: [&t x"+strings.Repeat(", *t", yamlfile.MaxAliases+1)+"]\n"))
	require.Error(t, err)
	assert.Equal(t, "many.yaml:1:4015: hints[1001]: more than 1000 aliases: refusing a file that expands this much", err.Error())

	for src, want := range map[string]string{
		"":                    "",
		"# only a comment\n":  "",
		"---\n":               "",
		"cancel: [a]\n---\n":  "x.yaml:2:1: a second YAML document starts here: one lexicon per file",
		"- cancel\n":          "x.yaml:1:1: a lexicon must be a mapping, got a list",
		"<<: {cancel: [a]}\n": "x.yaml:1:1: <<: merge keys (<<) are not supported",
		"cancel:\n\t- a\n":    "a tab indents this line, and YAML indentation must be spaces",
		"cancel: [\xff]\n":    "x.yaml:1:10: invalid UTF-8 (byte 0xFF)",
	} {
		l, err := parseLexicon("x.yaml", []byte(src))
		if want == "" {
			require.NoError(t, err, "%q", src)
			assert.Empty(t, l.Cancel, "an empty file adds nothing")
			continue
		}
		require.Error(t, err, "%q", src)
		assert.Contains(t, err.Error(), want, "%q", src)
	}
}

// candidates.js holds the dom mark once, outside comments, so the engine's library lands in its body.
func TestHelperSourceHasOneDOMMark(t *testing.T) {
	assert.Equal(t, 1, strings.Count(candidatesSource, "/*@dom*/"))
	assert.True(t, strings.HasPrefix(strings.TrimSpace(strings.SplitN(candidatesSource, "/*@dom*/", 2)[1]), "const MAX_LOCATOR_TEXT"))
}
