package host_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// threadCost is what one Lighthouse run cost the page's main thread (ms of
// CPU time; see mainThread).
type threadCost struct {
	CPU      float64    // every task
	Blocking float64    // cpuTBT: 4 × CPU − 50 ms, summed over the tasks
	Tasks    []taskCost // the tasks that block (over 12.5 ms), longest first
}

// taskCost is one task on the main thread and what it did: style, layout
// and paint (Render), and script run by the page (Script: evaluating a
// file, or a callback such as an event listener). A style or layout that
// a script forces counts in both; the rest (Other) is the browser's own
// work, such as parsing or autofill looking at the page's forms.
type taskCost struct{ CPU, Render, Script float64 }

// mainThread reads a run's trace: the page's main-thread CPU time (ms,
// every task), and the blocking time its tasks would have at Lighthouse's
// 4× CPU slowdown if the thread had had the CPU whenever it wanted it: the
// sum of 4 × CPU time − 50 ms over its tasks. It counts the tasks before
// the first paint too (Lighthouse's simulation may move them after it), so
// it errs high. Lighthouse's own TBT counts a task's wall time, which on a
// shared machine is mostly time spent waiting for a core (a task of 200 ms
// with 5 ms of CPU is common at load 20 on 2 cores); this one says what
// the page itself costs. The tasks that block are kept with what they did,
// to say where a page's blocking time comes from.
func mainThread(t *testing.T, path string) threadCost {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type event struct {
		Name     string  `json:"name"`
		Ph       string  `json:"ph"`
		Pid      int     `json:"pid"`
		Tid      int     `json:"tid"`
		Ts       float64 `json:"ts"`
		Dur      float64 `json:"dur"`
		ThreadUs float64 `json:"tdur"`
	}
	var trace struct {
		Events []event `json:"traceEvents"`
	}
	if err := json.Unmarshal(b, &trace); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	pid, tid := -1, -1 // the page's main thread: where it painted
	for _, e := range trace.Events {
		if e.Name == "firstContentfulPaint" {
			pid, tid = e.Pid, e.Tid
			break
		}
	}
	if pid < 0 {
		t.Fatalf("%s: no first paint", path)
	}
	var tasks []event
	for _, e := range trace.Events {
		if e.Ph == "X" && e.Pid == pid && e.Tid == tid && e.Name == "RunTask" {
			tasks = append(tasks, e)
		}
	}
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].Ts < tasks[j].Ts })
	var c threadCost
	costs := make([]taskCost, len(tasks))
	for i, task := range tasks {
		costs[i].CPU = task.ThreadUs / 1000
		c.CPU += costs[i].CPU
		c.Blocking += max(0, 4*costs[i].CPU-50)
	}
	for _, e := range trace.Events {
		render := e.Name == "UpdateLayoutTree" || e.Name == "Layout" || e.Name == "PrePaint" || e.Name == "Paint"
		script := e.Name == "EvaluateScript" || e.Name == "FunctionCall"
		if e.Ph != "X" || e.Pid != pid || e.Tid != tid || !render && !script {
			continue
		}
		// The task it ran in: the last to start before it, if it ended after.
		i := sort.Search(len(tasks), func(i int) bool { return tasks[i].Ts > e.Ts }) - 1
		if i < 0 || e.Ts+e.Dur > tasks[i].Ts+tasks[i].Dur {
			continue
		}
		if render {
			costs[i].Render += e.ThreadUs / 1000
		} else {
			costs[i].Script += e.ThreadUs / 1000
		}
	}
	for _, tc := range costs {
		if 4*tc.CPU > 50 {
			c.Tasks = append(c.Tasks, tc)
		}
	}
	slices.SortFunc(c.Tasks, func(a, b taskCost) int { return int(b.CPU*1000 - a.CPU*1000) })
	return c
}

// blockingTasks describes the tasks that blocked in the run with the
// median cpuTBT: each one's CPU time and what it went to.
func blockingTasks(runs []threadCost) string {
	if len(runs) == 0 {
		return ""
	}
	byBlocking := slices.SortedFunc(slices.Values(runs), func(a, b threadCost) int { return int(a.Blocking*1000 - b.Blocking*1000) })
	run := byBlocking[len(byBlocking)/2]
	if len(run.Tasks) == 0 {
		return "no task blocks (run with the median cpuTBT)"
	}
	var parts []string
	for _, tc := range run.Tasks {
		parts = append(parts, fmt.Sprintf("%.0f ms (style/layout/paint %.0f, script %.0f, other %.0f)",
			tc.CPU, tc.Render, tc.Script, max(0, tc.CPU-tc.Render-tc.Script)))
	}
	return "tasks that block, run with the median cpuTBT: " + strings.Join(parts, "; ")
}
