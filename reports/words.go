package reports

import (
	"fmt"

	"github.com/cancelpath/cancelpath/audit/metrics"
)

// words are the report's own words in one language. Data (site names, labels, citations) is never
// translated.
type words struct {
	Lang string

	// Table and Markdown headers.
	Rank, Site, Device, Clicks, Levels, Hovers, Interstitials, Control, Target, Effect, Score, Grade string
	// Short headers for the 100-column terminal table, explained by Legend.
	ClicksShort, LevelsShort, HoversShort, InterstitialsShort string
	Legend                                                    string

	// Status names a run's status in a cell; StatusMeanings says in a sentence what each status means.
	Status                                                 string
	StatusOK, StatusNoControl, StatusBlocked, StatusFailed string
	StatusOutOfReach, StatusSiteError, StatusError         string
	StatusMeanings                                         map[metrics.Status]string
	TargetPass, TargetSpacing, TargetInline, TargetFail    string
	EffectPassed, EffectFailed, NotChecked                 string
	DesktopName, MobileName                                string

	Title, Subtitle, Intro, Generated, Packs      string
	Ranking, Findings, NoFindings                 string
	Path, Login, StepAction, StepTarget, NewLevel string
	LevelNavigation, LevelRoute, LevelReveal      string
	ControlStep, SkippedStep, ScreenshotMissing   string
	ControlHeading, Label, Size, InViewport       string
	Contrast, FontSize, LargestOther, SizeRatio   string
	ConfirmHeading, Offer, SubscribeHeading       string
	Prechecked, Disclosure, ClicksToSubscribe     string
	NoTermsFound, DisclosurePlace                 string
	TermsShort, TermsNear, TermsFar, TermsNone    string
	// placeFormat: distance in px, "on one screen with the button" or not, "in its block" or not, size ratio.
	placeFormat, onScreen, offScreen, inBlock, outBlock string
	FailedRules, Rule, Measured, Threshold              string
	Citation, Basis, BasisLaw, BasisInterpretation      string
	CouldNotMeasure, Reason, Evidence, Notes            string
	Yes, No, Unranked, Unmeasured, Metrics              string
	NotCounted, ClicksToDone, WithoutLogin              string
	ScenarioFile, Browser, StartedAt, Duration          string
	FinalURL, Viewport, HowToRead, Scores               string
	ReferenceRules, Steps                               string
	RequiredInline, NotInForce, TargetShort             string
	LegalStatus                                         string
	Step, EffectLong, EvidenceFolder, FileMissing       string
	OptionsOnPath, PathScreens, OptionsCut              string
	Line, Options, InDialog                             string
	Definitions                                         []string
	LinkedImages                                        string
}

// lookupWords returns the words for lang ("" is English).
func lookupWords(lang string) (*words, error) {
	switch lang {
	case "", "en":
		return english(), nil
	case "zh":
		return chinese(), nil
	}
	return nil, fmt.Errorf("unknown report language %q (want en or zh)", lang)
}

func english() *words {
	return &words{
		Lang: "en",
		Rank: "#", Site: "Site", Device: "Device", Clicks: "Clicks to cancel", Levels: "Menu levels",
		Hovers: "Hovers", Interstitials: "Screens after cancel", Control: "Cancel control (W×H px)",
		Target: "Target size", Effect: "Effect", Score: "Score", Grade: "Grade",
		ClicksShort: "Clk", LevelsShort: "Lvl", HoversShort: "Hov", InterstitialsShort: "Int",
		TermsShort: "Trm", TermsNear: "near", TermsFar: "far", TermsNone: "none",
		Legend: "Clk: clicks from the logged-in landing page to the cancel control. Lvl: menu levels on the way. " +
			"Hov: hovers needed (touch screens cannot hover). Int: screens between the cancel control and done " +
			"(retention offers, surveys). Control: the cancel control's size in CSS px. Target: WCAG 2.5.8 target " +
			"size (24×24 px; spacing = smaller, but passes by spacing; inline = a link in a sentence, exempt). Trm: the " +
			"renewal terms nearest to the subscribe button are on one screen with it (near), not (far), or were not found " +
			"(none). Effect: auto-renewal really off afterwards.",
		Status: "Status", StatusOK: "ok", StatusNoControl: "no control", StatusBlocked: "blocked", StatusFailed: "failed",
		StatusOutOfReach: "out of reach", StatusSiteError: "site error", StatusError: "tool error",
		StatusMeanings: map[metrics.Status]string{
			metrics.StatusOK:         "the path was walked to the done state",
			metrics.StatusNoControl:  "the path was walked to the cancel control's screen and the control is not there (or the scenario declares a dead end)",
			metrics.StatusBlocked:    "the cancel control is there but could not be used: covered, disabled, inert or moving away",
			metrics.StatusFailed:     "a step other than the cancel control did not go as the scenario says",
			metrics.StatusOutOfReach: "the tool could not look (login failed, a frame it cannot enter, a download): nothing was measured",
			metrics.StatusSiteError:  "the site could not be audited (unreachable, connection reset, redirect loop, crashed or frozen page): nothing was measured",
			metrics.StatusError:      "the tool or its browser failed: nothing was measured",
		},
		TargetPass: "pass", TargetSpacing: "spacing", TargetInline: "inline", TargetFail: "fail",
		EffectPassed: "off", EffectFailed: "still on", NotChecked: "-",
		DesktopName: "desktop", MobileName: "mobile",

		Title:     "How hard is it to cancel?",
		Subtitle:  "Subscription cancellation audit",
		Intro:     "A real browser logged into each site and followed the path from the logged-in landing page to the control that cancels the subscription (or turns auto-renewal off), then on until the site confirmed it. Every click, menu level and retention screen on the way was counted, the cancel control was measured, and the measurements were checked against the rules of the jurisdictions below. Fewer clicks, fewer levels and a bigger control are better; a higher score is better.",
		Generated: "Generated by %s %s from %d runs between %s and %s (UTC).",
		Packs:     "Rule packs:",
		Ranking:   "Ranking", Findings: "Findings", NoFindings: "No rule failed.",
		Path: "The path to cancel", Login: "Login steps", StepAction: "Action", StepTarget: "Target",
		NewLevel: "new level", LevelNavigation: "new page", LevelRoute: "new view", LevelReveal: "menu/dialog opened",
		ControlStep: "cancel control", SkippedStep: "skipped (optional)", ScreenshotMissing: "no screenshot",
		ControlHeading: "The cancel control", Label: "Label", Size: "Size", InViewport: "Visible without scrolling",
		Contrast: "Text contrast", FontSize: "Font size", LargestOther: "Largest other button", SizeRatio: "Size vs. largest other button",
		ConfirmHeading: "Final confirmation", Offer: "Retention offer", SubscribeHeading: "Subscribing, for comparison",
		Prechecked: "Auto-renewal pre-ticked", Disclosure: "Renewal terms shown", ClicksToSubscribe: "Clicks to subscribe",
		NoTermsFound: "no renewal terms found near the subscribe button", DisclosurePlace: "Where the terms are",
		placeFormat: "%s px from the subscribe button; %s; %s; font %s of the text around them",
		onScreen:    "on one screen with it", offScreen: "NOT on one screen with it", inBlock: "in its form or block",
		outBlock:    "outside its form or block",
		FailedRules: "Rules not met", Rule: "Rule", Measured: "Measured", Threshold: "Required",
		Citation: "Legal basis", Basis: "Basis", BasisLaw: "stated in the law", BasisInterpretation: "interpretation (threshold not fixed by law)",
		CouldNotMeasure: "could not be measured", Reason: "Reason", Evidence: "Evidence", Notes: "Notes",
		Yes: "yes", No: "no", Unranked: "-", Unmeasured: "not measured", Metrics: "Measurements",
		Definitions: []string{
			"Clicks to cancel: clicks or taps from the logged-in landing page up to and including the click on the cancel control.",
			"Menu levels: how many times a new page, view, menu or dialog had to open before the next target appeared.",
			"Hovers: menus that open only under a mouse pointer; a touch screen cannot hover.",
			"Screens after cancel: retention offers, \"are you sure\" screens and surveys between the cancel control and the confirmation.",
			"Target size: WCAG 2.2 success criterion 2.5.8 asks for at least 24×24 CSS px, or enough space around a smaller target.",
			"Options on the path: the buttons, links and choices offered on each screen between the cancel control and the confirmation; site menus, headers and footers do not count, and in an open dialog only the dialog does.",
		},
		LinkedImages: "Some screenshots are linked rather than embedded: keep this file next to its evidence folder.",
		NotCounted:   "reference only, not counted", ClicksToDone: "Clicks until cancelled",
		WithoutLogin: "Cancel control reachable without logging in", ScenarioFile: "Scenario file",
		Browser: "Browser", StartedAt: "Started (UTC)", Duration: "Duration", FinalURL: "Last page",
		Viewport: "viewport", HowToRead: "How to read this report", Scores: "Scores by rule pack",
		ReferenceRules: "Rules not in force (for reference)", Steps: "steps",
		RequiredInline: "required:", NotInForce: "rule not in force", TargetShort: "Target",
		LegalStatus: "legal status",
		Step:        "step", EffectLong: "Auto-renewal afterwards", EvidenceFolder: "Evidence folder", FileMissing: "screenshot file missing",
		OptionsOnPath: "Options on the path", PathScreens: "Screens after the cancel control, and what each offers",
		OptionsCut: "more options on this screen are not listed", Line: "line", Options: "options", InDialog: "in a dialog",
	}
}

func chinese() *words {
	return &words{
		Lang: "zh",
		Rank: "排名", Site: "网站", Device: "设备", Clicks: "取消所需点击", Levels: "菜单层级",
		Hovers: "悬停", Interstitials: "取消后页面", Control: "取消控件（宽×高 像素）",
		Target: "点击区域", Effect: "生效", Score: "得分", Grade: "等级",
		ClicksShort: "点击", LevelsShort: "层级", HoversShort: "悬停", InterstitialsShort: "挽留",
		TermsShort: "条款", TermsNear: "同屏", TermsFar: "远离", TermsNone: "没有",
		Legend: "点击：从登录后首页到取消控件的点击次数。层级：途经的菜单层级。悬停：需要的鼠标悬停（触屏无法悬停）。" +
			"挽留：点击取消控件后到完成前的页面（挽留优惠、问卷）。控件：取消控件的尺寸（CSS 像素）。" +
			"区域：WCAG 2.5.8 目标尺寸（24×24 像素；间距＝较小但间距达标；行内＝句中链接）。" +
			"条款：离订阅按钮最近的续费条款与按钮同屏（同屏）、不同屏（远离）或没有找到（没有）。生效：之后自动续费确已关闭。",
		Status: "状态", StatusOK: "正常", StatusNoControl: "无取消控件", StatusBlocked: "控件受阻", StatusFailed: "步骤失败",
		StatusOutOfReach: "无法查看", StatusSiteError: "网站出错", StatusError: "工具出错",
		StatusMeanings: map[metrics.Status]string{
			metrics.StatusOK:         "沿路径走到了完成状态",
			metrics.StatusNoControl:  "已走到取消控件所在的页面，页面上却没有取消控件（或场景声明此路不通）",
			metrics.StatusBlocked:    "取消控件在页面上，但无法使用：被遮挡、被禁用、不可交互或躲开指针",
			metrics.StatusFailed:     "取消控件以外的某一步没有按场景进行",
			metrics.StatusOutOfReach: "工具无法查看（登录失败、无法进入的框架、下载）：没有测量任何内容",
			metrics.StatusSiteError:  "网站无法审计（无法访问、连接被重置、重定向循环、页面崩溃或卡死）：没有测量任何内容",
			metrics.StatusError:      "工具或其浏览器出错：没有测量任何内容",
		},
		TargetPass: "达标", TargetSpacing: "间距", TargetInline: "行内", TargetFail: "不达标",
		EffectPassed: "已关闭", EffectFailed: "仍开启", NotChecked: "-",
		DesktopName: "电脑", MobileName: "手机",

		Title:     "取消订阅有多难？",
		Subtitle:  "自动续费取消路径审计",
		Intro:     "一个真实浏览器登录每个网站，从登录后的首页出发，沿着取消订阅（或关闭自动续费）的路径一直走到网站确认取消为止。途中的每次点击、每个菜单层级和每个挽留页面都被计数，取消控件的大小被测量，测量结果按下列法域的规则逐条核对。点击越少、层级越少、控件越大越好；得分越高越好。",
		Generated: "由 %s %s 生成，共 %d 次运行，时间 %s 至 %s（UTC）。",
		Packs:     "规则包：",
		Ranking:   "排名", Findings: "发现的问题", NoFindings: "没有不符合的规则。",
		Path: "取消路径", Login: "登录步骤", StepAction: "操作", StepTarget: "目标",
		NewLevel: "新层级", LevelNavigation: "新页面", LevelRoute: "新视图", LevelReveal: "打开菜单/弹窗",
		ControlStep: "取消控件", SkippedStep: "已跳过（可选）", ScreenshotMissing: "无截图",
		ControlHeading: "取消控件", Label: "文字", Size: "尺寸", InViewport: "无需滚动即可看到",
		Contrast: "文字对比度", FontSize: "字号", LargestOther: "最大的其他按钮", SizeRatio: "与最大其他按钮的面积比",
		ConfirmHeading: "最终确认", Offer: "挽留优惠", SubscribeHeading: "开通流程（对照）",
		Prechecked: "默认勾选自动续费", Disclosure: "续费条款提示", ClicksToSubscribe: "开通所需点击",
		NoTermsFound: "订阅按钮附近没有找到续费条款", DisclosurePlace: "条款位置",
		placeFormat: "距订阅按钮 %s 像素；%s；%s；字号为周围文字的 %s",
		onScreen:    "与按钮同在一屏", offScreen: "与按钮不在同一屏", inBlock: "在同一表单或区块内", outBlock: "不在同一表单或区块内",
		FailedRules: "不符合的规则", Rule: "规则", Measured: "实测", Threshold: "要求",
		Citation: "法律依据", Basis: "依据类型", BasisLaw: "法律明文", BasisInterpretation: "解释（法律未规定具体阈值）",
		CouldNotMeasure: "无法测量", Reason: "原因", Evidence: "证据", Notes: "备注",
		Yes: "是", No: "否", Unranked: "-", Unmeasured: "未测量", Metrics: "测量结果",
		Definitions: []string{
			"取消所需点击：从登录后首页到点击取消控件（含该次点击）的点击或轻触次数。",
			"菜单层级：在下一个目标出现之前，需要打开新页面、新视图、菜单或弹窗的次数。",
			"悬停：只有鼠标悬停才会展开的菜单；触屏设备无法悬停。",
			"取消后页面：点击取消控件之后、确认取消之前出现的挽留优惠、“确定吗”页面和问卷。",
			"点击区域：WCAG 2.2 成功准则 2.5.8 要求目标至少 24×24 CSS 像素，或较小目标周围留有足够间距。",
			"路径上的选项：点击取消控件之后、确认取消之前每个页面上提供的按钮、链接和选择项；网站的菜单、页眉和页脚不计，弹窗打开时只计弹窗内的选项。",
		},
		LinkedImages: "部分截图以链接方式引用而非内嵌：请将本文件与证据文件夹放在一起。",
		NotCounted:   "仅供参考，不计入总分", ClicksToDone: "完成取消所需点击",
		WithoutLogin: "未登录即可到达取消控件", ScenarioFile: "场景文件",
		Browser: "浏览器", StartedAt: "开始时间（UTC）", Duration: "耗时", FinalURL: "最后页面",
		Viewport: "视口", HowToRead: "如何阅读本报告", Scores: "各规则包得分",
		ReferenceRules: "未生效的规则（仅供参考）", Steps: "步",
		RequiredInline: "要求：", NotInForce: "规则未生效", TargetShort: "区域",
		LegalStatus: "法律状态",
		Step:        "步骤", EffectLong: "取消后的自动续费状态", EvidenceFolder: "证据文件夹", FileMissing: "截图文件缺失",
		OptionsOnPath: "路径上的选项", PathScreens: "点击取消控件后的页面及其选项",
		OptionsCut: "本页面还有更多选项未列出", Line: "行号", Options: "个选项", InDialog: "弹窗内",
	}
}

// status names a run's status in w's language.
func (w *words) status(s metrics.Status) string {
	switch s {
	case metrics.StatusOK:
		return w.StatusOK
	case metrics.StatusNoControl:
		return w.StatusNoControl
	case metrics.StatusBlocked:
		return w.StatusBlocked
	case metrics.StatusFailed:
		return w.StatusFailed
	case metrics.StatusOutOfReach:
		return w.StatusOutOfReach
	case metrics.StatusSiteError:
		return w.StatusSiteError
	case metrics.StatusError:
		return w.StatusError
	}
	return Clean(string(s))
}

// statusMeaning says what a status means, or "" for one this version does not know.
func (w *words) statusMeaning(s metrics.Status) string { return w.StatusMeanings[s] }

// statusDefinitions are the "How to read" lines for the statuses other than ok, in metrics.Statuses order.
func (w *words) statusDefinitions() []string {
	colon, stop := ": ", "."
	if w.Lang == "zh" {
		colon, stop = "：", "。"
	}
	var out []string
	for _, s := range metrics.Statuses {
		if s != metrics.StatusOK {
			out = append(out, w.status(s)+colon+w.statusMeaning(s)+stop)
		}
	}
	return out
}

// device names a device; unknown names are data and shown cleaned.
func (w *words) device(name string) string {
	switch name {
	case "desktop":
		return w.DesktopName
	case "mobile":
		return w.MobileName
	}
	return Clean(name)
}

// targetSize names a WCAG 2.5.8 verdict.
func (w *words) targetSize(v string) string {
	switch v {
	case "pass":
		return w.TargetPass
	case "pass_spacing":
		return w.TargetSpacing
	case "pass_inline":
		return w.TargetInline
	case "fail":
		return w.TargetFail
	case "":
		return w.NotChecked
	}
	return Clean(v)
}

// effect names the effect check's result.
// termsPlace is the table's word for where the renewal terms are: "-" when they were not looked for.
func (w *words) termsPlace(s *metrics.Subscribe) string {
	switch {
	case s == nil || s.DisclosureFound == nil:
		return "-"
	case !*s.DisclosureFound:
		return w.TermsNone
	case s.DisclosureInViewWithButton == nil:
		return "-"
	case *s.DisclosureInViewWithButton:
		return w.TermsNear
	}
	return w.TermsFar
}

func (w *words) effect(e *metrics.Effect) string {
	switch {
	case e == nil:
		return w.NotChecked
	case e.Passed:
		return w.EffectPassed
	}
	return w.EffectFailed
}

func (w *words) levelKind(kind string) string {
	switch kind {
	case "navigation":
		return w.LevelNavigation
	case "route":
		return w.LevelRoute
	case "reveal":
		return w.LevelReveal
	}
	return w.NewLevel
}

func (w *words) basis(b string) string {
	switch b {
	case "law":
		return w.BasisLaw
	case "interpretation":
		return w.BasisInterpretation
	}
	return Clean(b)
}

// disclosurePlace describes where the renewal terms are relative to the subscribe button.
func (w *words) disclosurePlace(distance float64, together, sameBlock *bool, relFont float64) string {
	pick := func(b *bool, yes, no string) string {
		if b == nil {
			return w.Unmeasured
		}
		if *b {
			return yes
		}
		return no
	}
	rel := w.Unmeasured
	if relFont > 0 {
		rel = fmt.Sprintf("%.0f%%", relFont*100)
	}
	return fmt.Sprintf(w.placeFormat, px(distance), pick(together, w.onScreen, w.offScreen),
		pick(sameBlock, w.inBlock, w.outBlock), rel)
}

func (w *words) yesNo(b bool) string {
	if b {
		return w.Yes
	}
	return w.No
}
