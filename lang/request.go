package lang

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// CookieName is the cookie the switcher sets: the language a browser chose.
const CookieName = "karaoke_lang"

type ctxKey struct{}

// chosen is what the context carries: the language, and the path a
// switch of language goes back to, made local (LocalPath) only when read:
// most answers never show the switcher.
type chosen struct {
	lang Lang
	back string
}

// With is ctx reading in l.
func With(ctx context.Context, l Lang) context.Context {
	c, _ := ctx.Value(ctxKey{}).(chosen)
	c.lang = l
	return context.WithValue(ctx, ctxKey{}, c)
}

// From is the language of ctx: the default when none was chosen.
func From(ctx context.Context) Lang {
	c, _ := ctx.Value(ctxKey{}).(chosen)
	return c.lang.ready()
}

// Back is the local path the language switcher returns to.
func Back(ctx context.Context) string {
	if c, _ := ctx.Value(ctxKey{}).(chosen); c.back != "" {
		return LocalPath(c.back)
	}
	return "/"
}

// Choose is the language of a request: the switcher's cookie, else the
// browser's Accept-Language, else the default.
func (b *Bundle) Choose(r *http.Request) Lang {
	cookie := ""
	if c, err := r.Cookie(CookieName); err == nil {
		cookie = c.Value
	}
	return b.Match(cookie, r.Header.Get("Accept-Language"))
}

// Middleware puts the request's language (and the page to come back to
// after a switch) in its context, and tells caches the answer depends on
// both the cookie and Accept-Language.
func (b *Bundle) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Language, Cookie")
		back := ""
		if r.Method == http.MethodGet {
			back = r.URL.RequestURI()
		} else if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			back = ref.RequestURI()
		}
		c := chosen{lang: b.Choose(r), back: back}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, c)))
	})
}

// LocalPath is p if it is a path on this site ("/j/abc?x=1"), else "/": no
// scheme, no host, not "//host" nor "/\host" (which browsers take for
// another site), so a switch of language never sends anyone elsewhere.
func LocalPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return u.RequestURI()
}

// T is the message id in the language of ctx.
func T(ctx context.Context, id string) string { return From(ctx).T(id) }

// Tf is the message id in the language of ctx, filled with data.
func Tf(ctx context.Context, id string, data map[string]any) string { return From(ctx).Tf(id, data) }

// N is the message id in the language of ctx, in its plural form for count.
func N(ctx context.Context, id string, count int, data map[string]any) string {
	return From(ctx).N(id, count, data)
}

// WithBack is ctx with the switcher's way back set to the local path back.
func WithBack(ctx context.Context, back string) context.Context {
	c, _ := ctx.Value(ctxKey{}).(chosen)
	c.back = back
	return context.WithValue(ctx, ctxKey{}, c)
}
