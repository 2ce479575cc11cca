package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scenario forms for the sites regulators face: a dead end instead of a control, steps on some
// devices only, steps that prepare a section without being counted.

const head = "site: S\nurl: https://example.test/\njurisdictions: [cn]\ndevices: [desktop, mobile]\n"

func TestSectionForms(t *testing.T) {
	src := head + `before_cancel:
  - click: 我知道了
cancel:
  - click: 会员中心
  - select: {css: "#tools"}
    option: 订阅
    devices: [mobile]
  - hover: 工具
    devices: [desktop]
  - click: 联系客服
dead_end: {text_contains: 请联系在线客服}
subscribe:
  before: [{goto: /reset}]
  steps: [{click: 开通}]
  devices: [desktop]
`
	s, err := Parse("s.yaml", []byte(src), Options{Env: env(nil)})
	require.NoError(t, err)
	require.NotNil(t, s.DeadEnd)
	assert.Equal(t, "请联系在线客服", s.DeadEnd.Target.TextContains)
	assert.Len(t, s.BeforeCancel, 1)
	assert.Equal(t, []string{"mobile"}, s.Cancel[1].Devices)
	assert.True(t, s.Cancel[1].AppliesTo("mobile"))
	assert.False(t, s.Cancel[1].AppliesTo("desktop"))
	assert.True(t, s.Cancel[0].AppliesTo("desktop"), "no devices: every device")
	require.NotNil(t, s.Subscribe)
	assert.Len(t, s.Subscribe.Before, 1)
	assert.False(t, s.Subscribe.AppliesTo("mobile"))
}

func TestSectionFormErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      wantErr
	}{
		{"dead end with a control", head + "cancel:\n  - click: 退订\n    control: true\ndead_end: 联系客服\n",
			wantErr{7, "cancel[0].control", "a dead end has no cancel control"}},
		{"dead end and done", head + "cancel:\n  - click: 客服\ndone: 已关闭\ndead_end: 联系客服\n",
			wantErr{7, "done", "done and dead_end are alternatives"}},
		{"neither done nor dead end", head + "cancel:\n  - click: 退订\n    control: true\n",
			wantErr{1, "done", "or dead_end, for a site without a cancel control"}},
		{"a device the scenario does not run", head + "cancel:\n  - click: 我的\n    devices: [tablet]\n  - click: 退订\n    control: true\ndone: 好\n",
			wantErr{7, "cancel[0].devices[0]", "unknown device"}},
		{"a device outside the scenario's", "site: S\nurl: https://example.test/\njurisdictions: [cn]\ncancel:\n  - click: 我的\n    devices: [mobile]\n  - click: 退订\n    control: true\ndone: 好\n",
			wantErr{6, "cancel[0].devices[0]", "mobile is not one of the scenario's devices (desktop)"}},
		{"a control on some devices only", head + "cancel:\n  - click: 退订\n    control: true\n    devices: [mobile]\ndone: 好\n",
			wantErr{8, "cancel[0].devices", "the cancel control is the same on every device"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list := parseErrors(t, "s.yaml", []byte(c.src), Options{Env: env(nil)})
			first := list[0]
			assert.Equal(t, c.want.line, first.Line, "%s", list)
			assert.Equal(t, c.want.field, first.Field, "%s", list)
			assert.Contains(t, first.Msg, c.want.msg)
		})
	}
}
