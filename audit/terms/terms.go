// Package terms reads renewal terms: the words that say a subscription renews, at what price, for what
// period, and how to end it, in Chinese, English and German.
package terms

import (
	"regexp"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// Lexicon holds the words of renewal terms. One lexicon serves the page (the engine's probe finds the terms
// near the subscribe button with it) and the result (what the terms state), so the two never disagree. Each pattern is valid RE2 and JavaScript alike: no look-behind, no \b next to non-ASCII text,
// case folded by the flag, not by (?i).
var Lexicon = struct {
	Price, Period, Cancel, Renewal string
}{
	// An amount with its currency, before or after it: ¥30, 30元, $9.99, 9,99 €, EUR 9.99, 15 dollars.
	Price: `[¥￥$€£]\s?\d|\d(?:[.,]\d+)?\s?(?:元|块|€|£|\$|eur|usd|gbp|cny|rmb|dollars?|euros?|pounds?)|` +
		`(?:eur|usd|gbp|cny|rmb)\s?\d`,
	// The period the price is for, or the contract's term.
	Period: `每(?:个)?(?:月|年|季|周|天)|[/／]\s?(?:月|年|季|周|mo|month|yr|year|wk|week|monat|jahr|woche)|` +
		`包(?:月|年|季)|个月|月费|年费|季度|按(?:月|年|季|周)|(?:一|1|3|6|12)\s?(?:个)?(?:月|年)|` +
		`monthly|yearly|annual|weekly|per (?:month|year|week)|a (?:month|year|week)|every (?:month|year|week)|` +
		`\d+\s?(?:months?|years?|weeks?)|月卡|年卡|季卡|monat|jahr|jährlich|woche|wöchentlich|laufzeit`,
	// How to end it: cancel, turn auto-renewal off.
	Cancel: `取消|退订|关闭|解约|停止续费|cancel|unsubscribe|turn off|switch off|k(?:ü|ue)nd|stornier|widerruf`,
	// That it renews by itself.
	Renewal: `自动续费|自动续订|自动续期|自动扣款|连续包(?:月|年|季)|续费|续订|auto-?renew|renews?|recurring|` +
		`automatic(?:ally)?|verlänger|automatisch`,
}

// Flags are the lexicon's regexp flags: case-insensitive (JavaScript adds u).
const Flags = "i"

// re is the lexicon compiled for Go.
var re = struct{ price, period, cancel, renewal *regexp.Regexp }{
	price:   regexp.MustCompile("(?i)" + Lexicon.Price),
	period:  regexp.MustCompile("(?i)" + Lexicon.Period),
	cancel:  regexp.MustCompile("(?i)" + Lexicon.Cancel),
	renewal: regexp.MustCompile("(?i)" + Lexicon.Renewal),
}

// Stated reads what a disclosure's text states.
func Stated(text string) *metrics.TermsStated {
	return &metrics.TermsStated{
		Price:   re.price.MatchString(text),
		Period:  re.period.MatchString(text),
		Cancel:  re.cancel.MatchString(text),
		Renewal: re.renewal.MatchString(text),
	}
}
