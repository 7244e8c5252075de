package handlers

import (
	"testing"

	"github.com/karaoke-night/karaoke/lang"
)

// TestSummariesSaidAgain: each kind of summary the store writes is said
// again word for word in English, and in Spanish and German with none of
// its English words left (its names and songs kept).
func TestSummariesSaidAgain(t *testing.T) {
	summaries := []struct{ english, es, de string }{
		{"Start next: nobody → Ana's “Dancing Queen”", "Siguiente: nadie → «Dancing Queen» de Ana", "Als Nächstes: niemand → „Dancing Queen“ von Ana"},
		{"Start next: Ana's “Dancing Queen” → Bob's “Africa” (passed over Cy, Dee, on hold)", "Siguiente: «Dancing Queen» de Ana → «Africa» de Bob (saltando a Cy, Dee, que guardan su sitio)", ""},
		{"Removed Bob's “Africa”: 2nd in line → removed", "Quitada «Africa» de Bob: 2.º en la cola → quitada", "Entfernt: „Africa“ von Bob: 2. in der Warteschlange → entfernt"},
		{"Stopped Ana's “Dancing Queen”: on stage → skipped", "Parada «Dancing Queen» de Ana: en el escenario → saltada", ""},
		{"Skipped Bob's “Africa”: 1st in line → skipped", "", ""},
		{"Moved Bob's “Africa” to the top: 3rd → 1st", "Subida al principio «Africa» de Bob: 3.º → 1.º", "Ganz nach oben: „Africa“ von Bob: 3. → 1."},
		{"Moved Bob's “Africa” up: 2nd → 1st", "", ""},
		{"Moved Bob's “Africa” down: 1st → 2nd", "", ""},
		{"Moved Bob's “Africa” to the back: 1st → 12th", "", ""},
		{"Removed guest Bob: 1 song left the queue", "Quitado el invitado Bob: 1 canción salió de la cola", ""},
		{"Removed guest Bob: 3 songs left the queue", "", "Gast Bob entfernt: 3 Lieder haben die Warteschlange verlassen"},
		{"Removed 2 recent joiners and closed to new guests", "", ""},
		{"New guests: welcome → closed", "Invitados nuevos: bienvenidos → cerrado", ""},
		{"New guests: closed → welcome", "", ""},
		{"Requests: open → paused", "", "Wünsche: offen → pausiert"},
		{"Requests: paused → open", "", ""},
		{"Ended the night", "Terminó la noche", "Abend beendet"},
		{"Walk-up Cy's “Zombie” → 4th in line", "", ""},
		{"Approved Cy's “Zombie”: waiting for OK → 2nd in line", "", ""},
		{"Approved all: 3 waiting songs → the queue", "", ""},
		{"Declined Cy's “Zombie”: waiting for OK → declined", "", ""},
		{"Released Cy's hold: on hold → in line", "", ""},
		{"Rules: songs a singer may have waiting 3 → 4; notes on the TV shown → hidden; songbook only off → on; approval on → off; time zone UTC → Europe/Madrid; closing none → 01:30; longest hold 10 → 15 min",
			"Reglas: canciones en espera por cantante 3 → 4; notas en la tele visibles → ocultas; solo cancionero no → sí; aprobación sí → no; zona horaria UTC → Europe/Madrid; cierre ninguno → 01:30; máximo para guardar el sitio 10 → 15 min", ""},
		{"Rules: language en → es", "Reglas: idioma en → es", "Regeln: Sprache en → es"},
		{"Rules: colour red → blue", "Reglas: colour red → blue", ""}, // a part no pattern knows stays as stored
	}
	b := lang.Shipped()
	en, es, de := b.Match("en"), b.Match("es"), b.Match("de")
	for _, s := range summaries {
		if got := saySummary(en, s.english); got != s.english {
			t.Errorf("in English %q is said %q", s.english, got)
		}
		for _, l := range []struct {
			lg   lang.Lang
			want string
		}{{es, s.es}, {de, s.de}} {
			got := saySummary(l.lg, s.english)
			if got == s.english || (l.want != "" && got != l.want) {
				t.Errorf("in %s %q is said %q, want %q", l.lg.Tag(), s.english, got, l.want)
			}
		}
	}
	if got := saySummary(es, "Moved the piano: left → right"); got != "Moved the piano: left → right" {
		t.Errorf("a summary no pattern knows is said %q, want it as stored", got)
	}
}
