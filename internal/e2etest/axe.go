package e2etest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeVersion is the axe-core the accessibility checks run; the test installs
// it from npm into its cache and injects it into each page. The app never
// serves it.
const AxeVersion = "4.14.1"

// axeViolation is a violation as axe reports it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// AxeCheck runs axe-core on the page open in ctx and fails the test for any
// serious or critical violation; it logs the lesser ones.
func AxeCheck(t *testing.T, ctx context.Context, script, page string) {
	t.Helper()
	Eval[chromedp.Void](t, ctx, script)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations']}).then(function (r) {
		return JSON.stringify(r.violations.map(function (v) {
			return {id: v.id, impact: v.impact, help: v.help,
				targets: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' ') })};
		}));
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range violations {
		line := fmt.Sprintf("%s: %s (%s) %s at %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(line)
		} else {
			t.Log(line)
		}
	}
}
