package demo

// product is a virtual good on a demo shop's shelves. The games and brands are fictional.
type product struct {
	ID        string
	Category  string // cards (游戏点卡) or codes (激活码)
	Name      string
	Face      string // face value or term, e.g. 100元 / 年卡
	PriceCent int
	Tag       string // 热销, 秒发 ...
	Sold      int
}

var zhProducts = []product{
	{ID: "c1", Category: "cards", Name: "星际远征 点券", Face: "100元", PriceCent: 9650, Tag: "热销", Sold: 12873},
	{ID: "c2", Category: "cards", Name: "幻境传说 金币卡", Face: "50元", PriceCent: 4790, Tag: "秒发", Sold: 8342},
	{ID: "c3", Category: "cards", Name: "王国纪元 钻石", Face: "30元", PriceCent: 2880, Tag: "", Sold: 5120},
	{ID: "c4", Category: "cards", Name: "极速飞车 一卡通", Face: "200元", PriceCent: 19300, Tag: "九五折", Sold: 2311},
	{ID: "k1", Category: "codes", Name: "云游戏平台 月卡激活码", Face: "30天", PriceCent: 2500, Tag: "自动发货", Sold: 9904},
	{ID: "k2", Category: "codes", Name: "办公套件 个人版激活码", Face: "1年", PriceCent: 8900, Tag: "正版", Sold: 3307},
	{ID: "k3", Category: "codes", Name: "独立游戏合集 激活码", Face: "永久", PriceCent: 3900, Tag: "", Sold: 1876},
	{ID: "k4", Category: "codes", Name: "网盘超级会员 季卡码", Face: "90天", PriceCent: 5800, Tag: "限时", Sold: 6620},
}

var deProducts = []product{
	{ID: "c1", Category: "cards", Name: "Sternenflug Guthaben", Face: "25 €", PriceCent: 2450, Tag: "Beliebt", Sold: 4120},
	{ID: "c2", Category: "cards", Name: "Drachenreich Kristalle", Face: "10 €", PriceCent: 990, Tag: "Sofort", Sold: 2875},
	{ID: "c3", Category: "cards", Name: "Turbo Racer Punkte", Face: "50 €", PriceCent: 4850, Tag: "", Sold: 1304},
	{ID: "c4", Category: "cards", Name: "Galaxy Arena Münzen", Face: "15 €", PriceCent: 1470, Tag: "-2 %", Sold: 2210},
	{ID: "k1", Category: "codes", Name: "Cloud-Gaming Monatspass", Face: "30 Tage", PriceCent: 999, Tag: "Code per E-Mail", Sold: 3310},
	{ID: "k2", Category: "codes", Name: "Office-Paket Lizenz", Face: "1 Jahr", PriceCent: 5900, Tag: "", Sold: 980},
	{ID: "k3", Category: "codes", Name: "Indie-Bundle Key", Face: "dauerhaft", PriceCent: 1499, Tag: "Neu", Sold: 655},
	{ID: "k4", Category: "codes", Name: "Cloud-Speicher 1 TB", Face: "1 Jahr", PriceCent: 3999, Tag: "", Sold: 1022},
}

func productsFor(lang string) []product {
	if lang == "de" {
		return deProducts
	}
	return zhProducts
}

func findProduct(lang, id string) (product, bool) {
	for _, p := range productsFor(lang) {
		if p.ID == id {
			return p, true
		}
	}
	return product{}, false
}

func inCategory(ps []product, cat string) []product {
	var out []product
	for _, p := range ps {
		if cat == "" || p.Category == cat {
			out = append(out, p)
		}
	}
	return out
}

// Initial is what the product picture shows: the first two characters of the name.
func (p product) Initial() string {
	r := []rune(p.Name)
	if len(r) > 2 {
		r = r[:2]
	}
	return string(r)
}
