package main

import "testing"

func TestNewestWithdraw(t *testing.T) {
	body := []byte(`<form method="post" action="/j/ABCD/requests"></form>
<li><form action="/j/ABCD/requests/98/withdraw" hx-post="/j/ABCD/requests/99/withdraw"></form></li>
<li><form action="/j/ABCD/requests/120/withdraw"></form></li>
<li><form action="/j/ABCD/requests/7/withdraw"></form></li>
<form action="/j/ABCD/requests/500/move"></form>`)
	got, ok := newestWithdraw(body)
	if want := "/j/ABCD/requests/120/withdraw"; !ok || got != want {
		t.Errorf("newestWithdraw = %q, %v; want %q", got, ok, want)
	}
	if got, ok := newestWithdraw([]byte(`<form action="/j/ABCD/requests"></form><p>no songs</p>`)); ok {
		t.Errorf("newestWithdraw found %q in an answer with no withdraw form", got)
	}
}
