package explore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		"unknown-key.yaml": "lexicon testdata/lexicon/unknown-key.yaml: line 3: unknown key denied (the keys are cancel,",
		"wrong-type.yaml":  "lexicon testdata/lexicon/wrong-type.yaml: line 3: cannot unmarshal !!str `auf wie...` into []string",
		"empty-term.yaml":  "lexicon testdata/lexicon/empty-term.yaml: line 3: empty term in deny",
		"missing.yaml":     "lexicon testdata/lexicon/missing.yaml: open testdata/lexicon/missing.yaml: no such file or directory",
	} {
		t.Run(file, func(t *testing.T) {
			_, err := LoadLexicon("testdata/lexicon/" + file)
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
		})
	}
}

// candidates.js holds the dom mark once, outside comments, so the engine's library lands in its body.
func TestHelperSourceHasOneDOMMark(t *testing.T) {
	assert.Equal(t, 1, strings.Count(candidatesSource, "/*@dom*/"))
	assert.True(t, strings.HasPrefix(strings.TrimSpace(strings.SplitN(candidatesSource, "/*@dom*/", 2)[1]), "const MAX_LOCATOR_TEXT"))
}
