package handlers

import (
	"reflect"
	"testing"

	"github.com/karaoke-night/karaoke/views"
)

// TestETagFollowsEveryPartOfTheKey: a page key that differs in any one
// field, the closing's too, has another ETag, so a browser never keeps a
// page for a key it was not made for. A field added to pageKey or
// views.Closing that etag leaves out fails here.
func TestETagFollowsEveryPartOfTheKey(t *testing.T) {
	c := newPageCache()
	base := pageKey{Page: "guest", Session: 7, Version: 3, Viewer: 2, Shows: "s", Lang: "en", Minute: 9,
		Closing: views.Closing{Clock: "01:30", AfterClosing: 1}, Address: "/j/x/"}
	seen := map[string]string{c.etag(base): "base"}
	change := func(name string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "|1")
		case reflect.Int, reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Bool:
			v.SetBool(!v.Bool())
		default:
			t.Fatalf("field %s is a %s: teach etag and this test", name, v.Kind())
		}
	}
	try := func(name string, k pageKey) {
		e := c.etag(k)
		if other, ok := seen[e]; ok {
			t.Errorf("changing %s gives the ETag of %s", name, other)
		}
		seen[e] = name
	}
	kt := reflect.TypeOf(base)
	for i := range kt.NumField() {
		if kt.Field(i).Type == reflect.TypeOf(views.Closing{}) {
			ct := kt.Field(i).Type
			for j := range ct.NumField() {
				k := base
				change(ct.Field(j).Name, reflect.ValueOf(&k).Elem().Field(i).Field(j))
				try("Closing."+ct.Field(j).Name, k)
			}
			continue
		}
		k := base
		change(kt.Field(i).Name, reflect.ValueOf(&k).Elem().Field(i))
		try(kt.Field(i).Name, k)
	}
	if got := c.etag(base); got != c.etag(base) || len(got) != 28 || got[:3] != `W/"` {
		t.Errorf("etag = %q", got)
	}
}
