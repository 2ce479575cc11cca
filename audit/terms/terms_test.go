package terms

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// TestStated: what a disclosure's text states, in Chinese, English and German.
func TestStated(t *testing.T) {
	for _, tc := range []struct {
		text string
		want metrics.TermsStated
	}{
		{"到期后按 ¥30/月 自动续费，可随时取消", metrics.TermsStated{Price: true, Period: true, Cancel: true, Renewal: true}},
		{"连续包月 15元，到期自动扣款", metrics.TermsStated{Price: true, Period: true, Renewal: true}},
		{"9,99 € im Monat, jederzeit kündbar", metrics.TermsStated{Price: true, Period: true, Cancel: true}},
		{"Das Abo verlängert sich automatisch um 12 Monate zu EUR 59,88; Kündigung jederzeit",
			metrics.TermsStated{Price: true, Period: true, Cancel: true, Renewal: true}},
		{"$9.99/mo. Renews automatically until you cancel.", metrics.TermsStated{Price: true, Period: true, Cancel: true, Renewal: true}},
		{"£4.99 a month, recurring", metrics.TermsStated{Price: true, Period: true, Renewal: true}},
		{"我已阅读并同意《自动续费服务协议》", metrics.TermsStated{Renewal: true}},
		{"欢迎开通会员", metrics.TermsStated{}},
		{"Order 12345 shipped", metrics.TermsStated{}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			assert.Equal(t, tc.want, *Stated(tc.text))
		})
	}
}
