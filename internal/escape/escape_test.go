package escape

import "testing"

// TestEscape: one row per rule of each function (the fuzz targets check
// the properties on any input).
func TestEscape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fn       func(string) string
		in, want string
	}{
		{"Text", Text, "plain-name", "plain-name"},
		{"Text", Text, "é 日本", "é 日本"},
		{"Text", Text, "a\nb", `a\nb`},
		{"Text", Text, "a\r\nb", `a\r\nb`},
		{"Text", Text, "t\tab", `t\tab`},
		{"Text", Text, "\x1b[31mred", `\x1b[31mred`},
		{"Text", Text, "nul\x00", `nul\x00`},
		{"Text", Text, "del\x7f", `del\x7f`},
		{"Text", Text, "csi\u009b", `csi\u009b`},
		{"Text", Text, "nel\u0085", `nel\u0085`},
		{"Text", Text, "ls\u2028ps\u2029", `ls\u2028ps\u2029`},
		{"Text", Text, "rlo\u202eiso\u2066", `rlo\u202eiso\u2066`},
		{"Text", Text, "bom\ufeff", `bom\ufeff`},
		{"Text", Text, "bad\xff", `bad\xff`},
		{"Text", Text, `back\slash`, `back\slash`},
		{"YAMLString", YAMLString, "plain", `"plain"`},
		{"YAMLString", YAMLString, `q"b\`, `"q\"b\\"`},
		{"YAMLString", YAMLString, "a\nb", `"a\u000ab"`},
		{"YAMLString", YAMLString, "fence```", `"fence\u0060\u0060\u0060"`},
		{"YAMLString", YAMLString, "bad\xff", "\"bad\uFFFD\""},
		{"Markdown", Markdown, "deny-all", "deny-all"},
		{"Markdown", Markdown, "a|b", `a\|b`},
		{"Markdown", Markdown, `a\|b`, `a\\\|b`},
		{"Markdown", Markdown, "a\nb", `a\\nb`},
		{"Markdown", Markdown, "<script>", "&lt;script&gt;"},
		{"Markdown", Markdown, "`x` *y* _z_ ~w~ [l]", "\\`x\\` \\*y\\* \\_z\\_ \\~w\\~ \\[l\\]"},
		{"Markdown", Markdown, "&amp;", "&amp;amp;"},
		{"MarkdownCode", MarkdownCode, "shop/web", "`shop/web`"},
		{"MarkdownCode", MarkdownCode, "<b>", "`<b>`"},
		{"MarkdownCode", MarkdownCode, "a\nb", "`a\\nb`"},
		{"MarkdownCode", MarkdownCode, "a|b", `a\|b`},
		{"MarkdownCode", MarkdownCode, "a`b", "a\\`b"},
		{"MarkdownCode", MarkdownCode, "", ""},
		{"DOTString", DOTString, "shop/web", `"shop/web"`},
		{"DOTString", DOTString, `q"`, `"q\""`},
		{"DOTString", DOTString, `end\`, `"end\\"`},
		{"DOTString", DOTString, "a\nb", `"a\\nb"`},
		{"MermaidLabel", MermaidLabel, "web", "web"},
		{"MermaidLabel", MermaidLabel, `a"b|c`, "a#quot;b#124;c"},
		{"MermaidLabel", MermaidLabel, "#35;", "#35;35;"},
		{"MermaidLabel", MermaidLabel, "```", "#96;#96;#96;"},
		{"MermaidLabel", MermaidLabel, "<b>&", "#lt;b#gt;#amp;"},
		{"MermaidLabel", MermaidLabel, "a\nb", `a\nb`},
		{"CSVField", CSVField, "shop/web", "shop/web"},
		{"CSVField", CSVField, "=1+1", "'=1+1"},
		{"CSVField", CSVField, "+1", "'+1"},
		{"CSVField", CSVField, "-1", "'-1"},
		{"CSVField", CSVField, "@SUM(A1)", "'@SUM(A1)"},
		{"CSVField", CSVField, "\t=1", `\t=1`},
		{"CSVField", CSVField, "\r=1", `\r=1`},
		{"CSVField", CSVField, "a=1", "a=1"},
		{"HTML", HTML, "```", "&#96;&#96;&#96;"},
		{"HTML", HTML, "<a href='x'>\n", "&lt;a href=&#39;x&#39;&gt;&#92;n"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
