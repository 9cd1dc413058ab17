package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/podreach/podreach/internal/cli"
)

const example = "../../examples/emojivoto-linkerd/"

// podreach runs the CLI in-process and returns stdout.
func podreach(t *testing.T, wantCode int, args ...string) []byte {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), "podreach", args, cli.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != wantCode {
		t.Fatalf("podreach %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, wantCode, errOut.String())
	}
	return out.Bytes()
}

// failedChecks returns the IDs of the checks `check -o json` reports failed.
func failedChecks(t *testing.T) []string {
	var rep struct {
		Categories []struct {
			Checks []struct{ ID, Result string }
		}
	}
	if err := json.Unmarshal(podreach(t, cli.ExitNo, "check", "--mesh", "linkerd", "-f", example, "-o", "json"), &rep); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range rep.Categories {
		for _, r := range c.Checks {
			if r.Result == "error" {
				ids = append(ids, r.ID)
			}
		}
	}
	if len(ids) == 0 {
		t.Fatal("the example has no failed check: the test would prove nothing")
	}
	return ids
}

const red = "rgb(217,45,32)" // --red in style.css; the graph style uses the same

// TestReport opens the shipped example's report and uses it.
func TestReport(t *testing.T) {
	p := newPage(t, 1440, 900)
	failed := failedChecks(t)
	path := filepath.Join(t.TempDir(), "report.html")
	t.Chdir("../..") // the page shows the input as a user in the repository types it
	podreach(t, cli.ExitOK, "report", "-f", "examples/emojivoto-linkerd/", "--mesh", "linkerd", "--out", path)
	url := "file://" + path
	p.open(url)

	t.Run("failed checks listed first, in red", func(t *testing.T) {
		p := p.with(t)
		got := eval[[]string](p, `[...document.querySelectorAll('#checks .check')].slice(0, `+itoa(len(failed))+`).map(e => e.dataset.check)`)
		if !sameSet(got, failed) {
			t.Errorf("first checks listed = %v, want the failed ones %v", got, failed)
		}
		colors := eval[[]string](p, `[...document.querySelectorAll('#checks .check.error .sym')].map(e => getComputedStyle(e).color.replace(/ /g, ''))`)
		for _, c := range colors {
			if c != red {
				t.Errorf("failed check symbol colour %s, want %s", c, red)
			}
		}
	})

	t.Run("blocked mesh flows are red edges in the graph", func(t *testing.T) {
		p := p.with(t)
		for _, id := range failed {
			n := eval[int](p, `podreach.cy.edges('.mesh.blocked').filter(e => e.data('checks').includes('`+id+`') && e.style('line-color').replace(/ /g, '') === '`+red+`').length`)
			if n == 0 {
				t.Errorf("no red blocked edge for failed check %s", id)
			}
		}
		if n := eval[int](p, `podreach.cy.edges('.mesh.ok').length`); n == 0 {
			t.Error("no green (allowed) mesh flow drawn")
		}
	})

	t.Run("clicking a blocked edge names the blocking policy", func(t *testing.T) {
		p := p.with(t)
		pt := eval[[]float64](p, `(() => { const e = podreach.cy.edges('.mesh.blocked')[0], m = e.renderedMidpoint(),
			r = document.getElementById('graph').getBoundingClientRect(); return [r.left + m.x, r.top + m.y]; })()`)
		p.do(chromedp.MouseClickXY(pt[0], pt[1]))
		p.settle()
		if text := eval[string](p, `document.getElementById('details').hidden ? '' : document.getElementById('details').textContent`); !strings.Contains(text, "linkerd/deny-all-ingress") {
			t.Errorf("details after clicking a blocked edge do not name linkerd/deny-all-ingress:\n%s", text)
		}
	})

	t.Run("a failed check links to its flow", func(t *testing.T) {
		p := p.with(t)
		p.do(chromedp.Click(chromedp.CSS(`#check-` + failed[0] + ` a.desc`)))
		p.settle()
		if n := eval[int](p, `podreach.cy.edges('.focus.blocked').length`); n == 0 {
			t.Error("the flow of the clicked check is not highlighted")
		}
		if text := eval[string](p, `document.getElementById('details').textContent`); !strings.Contains(text, "blocked by") {
			t.Errorf("details of the flow do not say what blocks it:\n%s", text)
		}
	})

	p.do(chromedp.Navigate(url + "#overview"))
	p.screenshot("overview.png")
	t.Run("filters", func(t *testing.T) { testFilters(t, p.with(t)) })
	t.Run("matrix and policy pages", func(t *testing.T) { testPages(t, p.with(t)) })

	p.open(url + "?fresh") // a first visit's layout, for the picture
	t.Run("hovering a blocked edge names the blocking policy", func(t *testing.T) {
		p := p.with(t)
		pt := eval[[]float64](p, `(() => { const es = podreach.cy.edges('.mesh.blocked'), e = es.filter(e => e.source().isParent()).first().union(es).first(),
			m = e.renderedMidpoint(), r = document.getElementById('graph').getBoundingClientRect(); return [r.left + m.x, r.top + m.y]; })()`)
		p.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pt[0], pt[1]))
		p.settle()
		if text := eval[string](p, `document.getElementById('tooltip').hidden ? '' : document.getElementById('tooltip').textContent`); !strings.Contains(text, "blocked by linkerd/deny-all-ingress") {
			t.Errorf("hovering a blocked edge: tooltip %q does not name linkerd/deny-all-ingress", text)
		}
	})
	png := p.screenshot("report.png")
	if *update {
		if err := os.WriteFile("docs/report.png", png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.checkClean(url)
}

func testFilters(t *testing.T, p *page) {
	p.do(chromedp.Click(chromedp.ID("only-blocked")))
	p.settle()
	if n := eval[int](p, `podreach.cy.edges().not('.mesh.blocked').length`); n != 0 {
		t.Errorf("only blocked mesh flows: %d other edges still drawn", n)
	}
	if n := eval[int](p, `podreach.cy.edges('.mesh.blocked').length`); n == 0 {
		t.Error("only blocked mesh flows: no blocked edge left")
	}
	p.do(chromedp.Click(chromedp.ID("only-blocked")))

	p.do(chromedp.SendKeys(chromedp.ID("port"), "4191"))
	p.settle()
	ports := eval[[]string](p, `podreach.cy.edges('.mesh').map(e => podreach.graph.info.get(e.id()).ports).flat()`)
	if len(ports) == 0 || slices.ContainsFunc(ports, func(s string) bool { return s != "4191/TCP" }) {
		t.Errorf("port filter 4191: mesh edges on %v", ports)
	}
	p.clear("port")

	p.do(chromedp.SendKeys(chromedp.ID("search"), "identity"))
	p.settle()
	hits := eval[[]string](p, `podreach.cy.nodes('.match').map(n => n.data('label'))`)
	if !slices.Contains(hits, "linkerd-identity") {
		t.Errorf("search identity: matches %v", hits)
	}
	p.clear("search")

	p.do(chromedp.Click(chromedp.CSS("#ns-filter summary")), chromedp.Click(chromedp.CSS(`#ns-list input[data-ns="emojivoto"]`)))
	p.settle()
	if n := eval[int](p, `podreach.cy.nodes().filter(n => n.id() === 'ns' + podreach.data.namespaces.findIndex(x => x.name === 'emojivoto') || (n.data('node') !== undefined && podreach.data.nodes[n.data('node')].name === 'emoji')).length`); n != 0 {
		t.Errorf("namespace filter: emojivoto still drawn (%d nodes)", n)
	}
	p.do(chromedp.Click(chromedp.CSS(`#ns-list input[data-ns="emojivoto"]`)), chromedp.Click(chromedp.CSS("#ns-filter summary")))
	p.settle()
}

func testPages(t *testing.T, p *page) {
	p.do(chromedp.Click(chromedp.CSS(`.tabs a[data-view="matrix"]`)))
	p.settle()
	n := eval[int](p, `document.querySelectorAll('table.heatmap tbody td').length`)
	ns := eval[int](p, `podreach.data.namespaces.length`)
	if n != ns*ns {
		t.Errorf("heatmap has %d cells, want %d", n, ns*ns)
	}
	p.do(chromedp.Click(chromedp.CSS(`table.heatmap td[data-from="emojivoto"][data-to="linkerd"]`)))
	p.settle()
	if text := eval[string](p, `document.getElementById('cell').textContent`); !strings.Contains(text, "linkerd-identity") {
		t.Errorf("the emojivoto → linkerd cell does not expand to workloads:\n%s", text)
	}
	p.do(chromedp.Click(chromedp.CSS(`.tabs a[data-view="policies"]`)), chromedp.Click(chromedp.CSS(`#policy-list a[data-policy="linkerd/deny-all-ingress"]`)))
	p.settle()
	text := eval[string](p, `document.getElementById('policy-page').textContent`)
	for _, want := range []string{"blocks mesh checks", "linkerd-identity", "Ingress rule 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("policy page of linkerd/deny-all-ingress lacks %q:\n%s", want, text)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestDiffReport opens the report of a change that undoes the seed's fix:
// the lost connections are drawn, and the diff page lists them and the
// mesh checks that broke.
func TestDiffReport(t *testing.T) {
	p := newPage(t, 1440, 900)
	path := filepath.Join(t.TempDir(), "diff.html")
	podreach(t, cli.ExitOK, "report", "-f", example, "-f", "../../examples/seed-fix/seed-fix.yaml", "--to", example, "--mesh", "linkerd", "--out", path)
	url := "file://" + path
	p.open(url)
	if n := eval[int](p, `podreach.cy.edges('.diff.lost').filter(e => e.style('line-color').replace(/ /g, '') === 'rgb(192,38,211)').length`); n == 0 {
		t.Error("no lost connection drawn (magenta)")
	}
	p.do(chromedp.Click(chromedp.CSS(`.tabs a[data-view="diff"]`)))
	p.settle()
	text := eval[string](p, `document.getElementById('diff').textContent`)
	// On the cluster as it runs, the seed fix's allow-meshed-ingress admits
	// every meshed pod (its label comes from the injector), so undoing it
	// loses 39 pairs, as podreach diff says of the same change.
	for _, want := range []string{"Lost (39)", "emojivoto/emojilinkerd/linkerd-identity", "Mesh checks changed", "✔ → ×"} {
		if !strings.Contains(text, want) {
			t.Errorf("the diff page lacks %q:\n%s", want, text)
		}
	}
	p.screenshot("diff.png")
	p.checkClean(url)
}

// TestUndecidedReport opens the report of the tiered example with an
// egress allowlist whose domainNames rule the manifests cannot decide: the
// matrix marks the undecided pairs ‼ (not allowed, not denied), a banner
// names the policy, and the mesh check is ‼ naming the rule.
func TestUndecidedReport(t *testing.T) {
	p := newPage(t, 1440, 900)
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	podreach(t, cli.ExitOK, "report", "-f", "../../examples/emojivoto-tiers/cluster/", "-f", "../../examples/emojivoto-tiers/mesh-exceptions.yaml",
		"-f", "../../examples/emojivoto-tiers/egress-allowlist.yaml", "--mesh", "linkerd", "--out", path)
	url := "file://" + path
	p.open(url)
	if text := eval[string](p, `document.body.textContent`); !strings.Contains(text, "‼ Cannot know: ClusterNetworkPolicy egress-allowlist") {
		t.Error("no banner names the policy whose rule the manifests cannot decide")
	}
	if sym := eval[string](p, `document.querySelector('#checks .check[data-check="proxy-to-destination"] .sym').textContent`); sym != "‼" {
		t.Errorf("proxy-to-destination shows %q, want ‼", sym)
	}
	p.do(chromedp.Click(chromedp.CSS(`.tabs a[data-view="matrix"]`)))
	p.settle()
	cell := `table.heatmap td[data-from="emojivoto"][data-to="linkerd"]`
	if title := eval[string](p, `document.querySelector('`+cell+`').title`); !strings.Contains(title, "‼ cannot know for 12 pairs") {
		t.Errorf("the emojivoto → linkerd heatmap cell does not say cannot know: %q", title)
	}
	p.do(chromedp.Click(chromedp.CSS(cell)))
	p.settle()
	td := `[...document.querySelectorAll('#cell td')].find(td => td.title.startsWith('emojivoto/web → linkerd/linkerd-destination'))`
	if text := eval[string](p, td+`.textContent`); !strings.Contains(text, "‼") || !strings.Contains(text, "8086") {
		t.Errorf("emojivoto/web → linkerd/linkerd-destination shows %q, want ‼ with the undecided ports", text)
	}
	p.checkClean(url)
}
