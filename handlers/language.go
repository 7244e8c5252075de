package handlers

import (
	"net/http"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// langCookieLifetime is how long a browser keeps the language it chose.
const langCookieLifetime = 365 * 24 * time.Hour

// handleLanguageSet serves POST /lang: the switcher's language is kept in a
// cookie (a language the app does not have is ignored) and the browser goes
// back to the page it came from, which must be a path on this site: the
// route never sends anyone elsewhere, whatever "back" says.
func (h *Handler) handleLanguageSet(w http.ResponseWriter, r *http.Request) {
	if err := refused(r); err != nil {
		h.fail(w, r, err)
		return
	}
	want := r.PostFormValue(views.LangField)
	for _, l := range lang.Shipped().Langs() {
		if l.Tag() == want {
			http.SetCookie(w, &http.Cookie{
				Name:     lang.CookieName,
				Value:    want,
				Path:     "/",
				MaxAge:   int(langCookieLifetime / time.Second),
				HttpOnly: true,
				SameSite: http.SameSiteLaxMode,
				Secure:   requestScheme(r) == "https",
			})
		}
	}
	http.Redirect(w, r, lang.LocalPath(r.PostFormValue(views.BackField)), http.StatusSeeOther)
}

// languageOptions are the languages a night may speak, each named in
// itself.
func languageOptions() []views.LanguageOption {
	var out []views.LanguageOption
	for _, l := range lang.Shipped().Langs() {
		out = append(out, views.LanguageOption{Tag: l.Tag(), Name: l.Name()})
	}
	return out
}

// nightLanguage reads the rules form's language of the night: "" when the
// form sent none (the store leaves it as it is), an error for a language
// the app does not have.
func nightLanguage(r *http.Request) (string, error) {
	typed := r.PostFormValue(views.LanguageField)
	if typed == "" {
		return "", nil
	}
	for _, l := range lang.Shipped().Langs() {
		if l.Tag() == typed {
			return typed, nil
		}
	}
	return "", db.FieldErrorf(db.EINVALID, views.LanguageField, "Choose a language from the list.")
}
