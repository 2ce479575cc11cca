package reports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/results"
)

// sheetWords are the regulator's sheet's own words in one language, beside the report's (statuses, devices,
// yes, no, not measured, near, far, none come from words). Data is never translated.
type sheetWords struct {
	*words
	Title, Intro                                      string
	SweepDate, ToolLabel, RulePacks, SitesLabel       string
	sitesFormat                                       string // sites, runs, sites with a run carried out
	Totals, Overview, OverviewLegend                  string
	SitesHeading, NotesHeading                        string
	Number, Scenario                                  string
	Indicator, Answer, SitesCol, MeasuredCol          string
	PercentCol, NotMeasuredCol, MedianCol, HighestCol string
	RuleFailed, RulePassed, RuleNotJudged             string
	RunStatus, RunsCol                                string
	// Labels name the indicators (by sheetIndicator.ID) in full, Short in the overview's headers.
	Labels, Short map[string]string
	noteFormat    string // the CSV's note column after an indicator's: "%s: note"
	// Steps name the evidence steps (by sheetStep).
	Steps                                  [stepCount]string
	Screenshot, PageURL, PageTime, Archive string
	Why                                    map[sheetWhy]string
	subscribeStatus                        string // the sign-up run ended with this status
	Footnotes                              []string
}

// lookupSheetWords returns the sheet's words for lang ("" is English).
func lookupSheetWords(lang string) (*sheetWords, error) {
	wd, err := lookupWords(lang)
	if err != nil {
		return nil, err
	}
	if wd.Lang == "zh" {
		return sheetChinese(wd), nil
	}
	return sheetEnglish(wd), nil
}

func sheetEnglish(wd *words) *sheetWords {
	return &sheetWords{
		words: wd,
		Title: "Cancellation sweep: the regulator's sheet",
		Intro: "For each site and device, what a sweep records about cancelling an auto-renewing subscription, " +
			"as a real browser measured it: yes, no or a number, or not measured with the reason (never a guess), " +
			"with the screenshot and the archived page that show it.",
		SweepDate: "Date of the sweep (UTC)", ToolLabel: "Tool", RulePacks: "Rule packs", SitesLabel: "Sites",
		sitesFormat: "%d (%d runs of a scenario on a device; %d sites with a run carried out)",
		Totals:      "Sweep results", Overview: "All sites at a glance", OverviewLegend: "– not measured: the reason is given site by site below.", SitesHeading: "Site by site", NotesHeading: "Notes",
		Number: "No.", Scenario: "Scenario",
		Indicator: "Indicator", Answer: "Answer", SitesCol: "Sites", MeasuredCol: "Sites measured",
		PercentCol: "% of sites measured", NotMeasuredCol: "Sites not measured", MedianCol: "Median (per site: its highest)",
		HighestCol: "Highest", RuleFailed: "rule failed", RulePassed: "rule passed", RuleNotJudged: "no rule judged it", RunStatus: "Runs by status", RunsCol: "Runs",
		Labels: map[string]string{
			"control_found":        "Cancel control found on the site",
			"payment_channel_only": "Cancel only via another site (e.g. a payment channel)",
			"clicks_to_control":    "Clicks to the cancel control",
			"levels_to_control":    "Menu levels to the cancel control",
			"retention_screens":    "Retention screens after the cancel control",
			"autorenew_prechecked": "Auto-renewal pre-ticked at sign-up",
			"renewal_terms":        "Renewal terms next to the subscribe button",
			"effect_verified":      "Cancellation took effect (checked afterwards)",
		},
		Short: map[string]string{
			"control_found": "Control found", "payment_channel_only": "Other site only", "clicks_to_control": "Clicks",
			"levels_to_control": "Levels", "retention_screens": "Retention screens", "autorenew_prechecked": "Pre-ticked",
			"renewal_terms": "Terms", "effect_verified": "Took effect",
		},
		noteFormat: "%s: note",
		Steps:      [stepCount]string{"Control step", "End of the path", "Sign-up step", "Effect check"},
		Screenshot: "screenshot", PageURL: "page", PageTime: "time (UTC)", Archive: "Web archive (WACZ)",
		Why: map[sheetWhy]string{
			whyBeforeControl:  "the run ended before the cancel control",
			whyNoLanding:      "the logged-in landing page is unknown (the scenario has no login steps), so the origins cannot be compared",
			whyNoControlPage:  "the address of the cancel control's page was not recorded",
			whyNoSubscribe:    "the scenario has no subscribe section",
			whyNoBox:          "the scenario names no auto-renewal box, or it did not appear",
			whyTermsNotLooked: "not looked for: the scenario names no subscribe button, or it did not appear",
			whyTermsPlace:     "renewal terms found, but where they are was not measured",
			whyNoEffect:       "the scenario has no effect check",
			whyNotRecorded:    "not recorded in the results",
		},
		subscribeStatus: "the sign-up run ended %s",
		Footnotes: []string{
			"Each indicator is answered for each run (one scenario on one device) from what the browser measured: yes, no, a number, or not measured with the reason. Not measured never counts as yes or as no. A run that could not be carried out (out of reach, site error, tool error) measured nothing.",
			"Cancel control found on the site: yes when the run reached the cancel control (also when it was there but blocked), no when the run walked to the control's screen and the control was not on it (status no control). Evidence: the step that clicks the control, or the screen the path ends at.",
			"Cancel only via another site: yes when the page with the cancel control is on another origin (scheme and host) than the logged-in landing page, for instance a payment channel's 代扣 page; no when it is on the site's own origin. This is the rule metric control_on_site, which cn.control-on-site judges. The tool does not tell what the other site is, and it follows the path the scenario walks: a cancel option elsewhere is not looked for. Not measured without login steps (the landing page is unknown) and when no cancel control was reached.",
			"Clicks and menu levels to the cancel control are counted from the logged-in landing page; retention screens are the screens between the cancel control and the done state (offers, \"are you sure\" screens, surveys). Each with the verdict of the rule packs in force that judge it (rule passed, rule failed, with the rule ids).",
			"Auto-renewal pre-ticked and the renewal terms are measured in a separate sign-up run (the scenario's subscribe section). Terms: near = the renewal terms nearest to the subscribe button are on one screen with it; far = they are not; none = no renewal terms were found. Evidence: the last screenshot of the sign-up (the results do not say which sign-up step showed the box and the terms).",
			"Cancellation took effect: yes when the check afterwards (the scenario's effect section) found auto-renewal off, no when it found it still on. Evidence: the last step of that check.",
			"Sweep results count sites, not runs. A site is measured for an indicator when one of its runs measured it, and it counts under every answer one of its runs gave: a site whose devices disagree counts under both answers, so an indicator's percentages can add up to more than 100%. Percentages are of the sites measured for that indicator. For counts, the answers are the verdicts of the rules in force (failed, passed; a site none of whose runs a rule judged: no rule judged it), with the median and the highest of each site's highest count (its worst device).",
			"Evidence: screenshots are files relative to the audit's output folder. The web archive is the run's WACZ file, evidence/<scenario>@<device>/archive.wacz: it records the session of the cancel path after the login and the effect check, one page per step, found by the page's address and the step's start time (RFC 3339, UTC, milliseconds) given here. The sign-up runs in a session of its own, which the archive does not hold: its step is referenced by its screenshot, address and time. The references are written from the results: an audit made before web archives were recorded has no such file.",
		},
	}
}

func sheetChinese(wd *words) *sheetWords {
	return &sheetWords{
		words: wd,
		Title: "取消订阅专项检查：监管核查表",
		Intro: "对每个网站、每种设备，记录专项检查关注的取消自动续费情况，均由真实浏览器实测：是、否或数字；" +
			"没有测量的写“未测量”并说明原因，绝不推测；并注明证明该结论的截图和网页存档。",
		SweepDate: "检查日期（UTC）", ToolLabel: "工具", RulePacks: "规则包", SitesLabel: "网站数",
		sitesFormat: "%d（共 %d 次运行，每次为一个场景在一种设备上；其中 %d 个网站至少有一次运行得以进行）",
		Totals:      "检查结果汇总", Overview: "全部网站一览", OverviewLegend: "–：未测量，原因见下文各网站。", SitesHeading: "逐个网站", NotesHeading: "说明",
		Number: "序号", Scenario: "场景",
		Indicator: "指标", Answer: "结果", SitesCol: "网站数", MeasuredCol: "已测量网站数",
		PercentCol: "占已测量网站的百分比", NotMeasuredCol: "未测量网站数", MedianCol: "中位数（每个网站取其最高值）",
		HighestCol: "最高", RuleFailed: "不符合规则", RulePassed: "符合规则", RuleNotJudged: "没有规则判定", RunStatus: "各状态的运行次数", RunsCol: "运行次数",
		Labels: map[string]string{
			"control_found":        "网站上有取消控件",
			"payment_channel_only": "只能在其他网站取消（如支付渠道）",
			"clicks_to_control":    "到达取消控件的点击次数",
			"levels_to_control":    "到达取消控件的菜单层级",
			"retention_screens":    "点击取消控件后的挽留页面",
			"autorenew_prechecked": "开通时默认勾选自动续费",
			"renewal_terms":        "订阅按钮旁的续费条款",
			"effect_verified":      "取消确已生效（事后核实）",
		},
		Short: map[string]string{
			"control_found": "有取消控件", "payment_channel_only": "只能在其他网站取消", "clicks_to_control": "点击",
			"levels_to_control": "层级", "retention_screens": "挽留页面", "autorenew_prechecked": "默认勾选",
			"renewal_terms": "续费条款", "effect_verified": "已生效",
		},
		noteFormat: "%s：说明",
		Steps:      [stepCount]string{"取消控件步骤", "路径终点", "开通步骤", "效果核实"},
		Screenshot: "截图", PageURL: "页面", PageTime: "时间（UTC）", Archive: "网页存档（WACZ）",
		Why: map[sheetWhy]string{
			whyBeforeControl:  "运行在到达取消控件之前结束",
			whyNoLanding:      "登录后首页未知（场景没有登录步骤），无法比较来源",
			whyNoControlPage:  "没有记录取消控件所在页面的地址",
			whyNoSubscribe:    "场景没有开通（subscribe）部分",
			whyNoBox:          "场景没有指定自动续费勾选框，或勾选框没有出现",
			whyTermsNotLooked: "未查找：场景没有指定订阅按钮，或按钮没有出现",
			whyTermsPlace:     "找到了续费条款，但没有测量其位置",
			whyNoEffect:       "场景没有核实取消效果（effect）",
			whyNotRecorded:    "结果中没有记录",
		},
		subscribeStatus: "开通流程以“%s”结束",
		Footnotes: []string{
			"每项指标按每次运行（一个场景在一种设备上）由浏览器实测得出：是、否、数字，或“未测量”并说明原因。“未测量”既不算“是”，也不算“否”。未能进行的运行（无法查看、网站出错、工具出错）没有测量任何内容。",
			"网站上有取消控件：运行到达了取消控件（控件在页面上但受阻也算）为“是”；运行已走到取消控件所在的页面、页面上却没有取消控件（状态“无取消控件”）为“否”。证据：点击取消控件的步骤，或路径最终停留的页面。",
			"只能在其他网站取消：取消控件所在页面与登录后首页来源（协议和主机）不同，例如支付渠道的代扣页面，为“是”；在网站自己的来源上为“否”。即规则指标 control_on_site，由规则 cn.control-on-site 判定。工具不识别另一个网站是什么，且只沿场景规定的路径走：不查找网站其他地方的取消选项。没有登录步骤（登录后首页未知）或没有到达取消控件时为“未测量”。",
			"到达取消控件的点击次数和菜单层级从登录后首页算起；挽留页面是点击取消控件之后、到达完成状态之前的页面（挽留优惠、“确定吗”页面、问卷）。每项附有生效规则包的判定（符合规则、不符合规则，并列出规则编号）。",
			"默认勾选自动续费和续费条款在单独的开通流程中测量（场景的 subscribe 部分）。续费条款：同屏＝离订阅按钮最近的续费条款与按钮同在一屏；远离＝不在同一屏；没有＝没有找到续费条款。证据：开通流程的最后一张截图（结果没有记录勾选框和条款出现在开通流程的哪一步）。",
			"取消确已生效：事后核实（场景的 effect 部分）显示自动续费已关闭为“是”，仍开启为“否”。证据：核实的最后一步。",
			"汇总按网站计数，而不是按运行次数。一个网站只要有一次运行测量了某项指标，即算已测量；它计入其任一次运行给出的每种结果：不同设备结果不一致的网站同时计入两种结果，因此同一指标的百分比之和可能超过 100%。百分比的分母是该指标已测量的网站数。数字类指标的结果是生效规则的判定（不符合规则、符合规则；没有规则判定），并给出各网站最高值（其最差的设备）的中位数和最大值。",
			"证据：截图路径相对于审计输出文件夹。网页存档是该次运行的 WACZ 文件 evidence/<场景>@<设备>/archive.wacz：它记录登录之后的取消路径和效果核实，每一步一个页面，按此处给出的页面地址和该步开始时间（RFC 3339，UTC，精确到毫秒）查找。开通流程在单独的会话中进行，不在存档之内：其步骤以截图、地址和时间引用。引用依据结果写出：在开始记录网页存档之前进行的审计没有该文件。",
		},
	}
}

// Colon is ": " or "：" (the page's template uses it).
func (sw *sheetWords) Colon() string {
	if sw.Lang == "zh" {
		return "："
	}
	return ": "
}

// sitesLine is the header's count of sites.
func (sw *sheetWords) sitesLine(d *sheetData) string {
	return fmt.Sprintf(sw.sitesFormat, len(d.Sites), d.Runs, d.SitesCarriedOut)
}

// answerText is an indicator's answer in a cell.
func (sw *sheetWords) answerText(v sheetValue) string {
	switch v.Answer {
	case ansYes:
		return sw.Yes
	case ansNo:
		return sw.No
	case ansNumber:
		return strconv.Itoa(v.Num)
	case ansNear:
		return sw.TermsNear
	case ansFar:
		return sw.TermsFar
	case ansNone:
		return sw.TermsNone
	}
	return sw.Unmeasured
}

// whyText says why an indicator of run e was not measured ("" when it was), cleaned. When the run's status
// is the reason, it is named; the status's own reason is shown once, with the status.
func (sw *sheetWords) whyText(e *results.Entry, v sheetValue) string {
	if v.Measured() {
		return ""
	}
	withReason := func(s, reason string) string {
		if r := Clean(reason); r != "" {
			return s + sw.Colon() + r
		}
		return s
	}
	switch v.Why {
	case whyStatus:
		return sw.status(e.Status) // its reason stands beside it, in the run's status
	case whySubscribeStatus:
		reason := ""
		if e.Subscribe != nil {
			reason = e.Subscribe.Reason
		}
		return withReason(fmt.Sprintf(sw.subscribeStatus, sw.status(metrics.Status(v.Detail))), reason)
	}
	if s, ok := sw.Why[v.Why]; ok {
		return s
	}
	return sw.Why[whyNotRecorded]
}

// verdictText is the verdicts of the rules in force that judged an indicator: "rule failed: de.x; rule
// passed: cn.y", or "".
func (sw *sheetWords) verdictText(v sheetValue) string {
	var parts []string
	if len(v.Failed) > 0 {
		parts = append(parts, sw.RuleFailed+sw.Colon()+joinIDs(v.Failed))
	}
	if len(v.Passed) > 0 {
		parts = append(parts, sw.RulePassed+sw.Colon()+joinIDs(v.Passed))
	}
	sep := "; "
	if sw.Lang == "zh" {
		sep = "；"
	}
	return strings.Join(parts, sep)
}

// noteText is everything said about an answer besides itself: why it was not measured, the rule verdicts,
// what the effect check found. Cleaned.
func (sw *sheetWords) noteText(e *results.Entry, v sheetValue) string {
	var parts []string
	for _, p := range []string{sw.whyText(e, v), sw.verdictText(v), Clean(v.Note)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	sep := "; "
	if sw.Lang == "zh" {
		sep = "；"
	}
	return strings.Join(parts, sep)
}
