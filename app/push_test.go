package app_test

import (
	"testing"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/push"
)

func TestFromEnvPush(t *testing.T) {
	keys, err := push.LoadOrCreateKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	other, _ := push.LoadOrCreateKeys(t.TempDir())
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	cfg, err := app.FromEnv(env(nil))
	if err != nil || cfg.VAPID != nil || !cfg.PushAllow.Permits("https://fcm.googleapis.com/fcm/send/x") ||
		cfg.PushAllow.Permits("http://127.0.0.1:9/push") {
		t.Fatalf("defaults: VAPID %v, allow %v, err %v; want keys from DATA_DIR and the known push services", cfg.VAPID, cfg.PushAllow, err)
	}
	cfg, err = app.FromEnv(env(map[string]string{"VAPID_PUBLIC_KEY": keys.Public, "VAPID_PRIVATE_KEY": keys.Private,
		"PUSH_ENDPOINTS_ALLOW": "http://127.0.0.1:9/push/"}))
	if err != nil || cfg.VAPID == nil || *cfg.VAPID != keys {
		t.Fatalf("given keys: %v, %v", cfg.VAPID, err)
	}
	if !cfg.PushAllow.Permits("http://127.0.0.1:9/push/a") || cfg.PushAllow.Permits("https://fcm.googleapis.com/fcm/send/x") {
		t.Errorf("PUSH_ENDPOINTS_ALLOW does not replace the list: %v", cfg.PushAllow)
	}
	for _, bad := range []map[string]string{
		{"VAPID_PUBLIC_KEY": keys.Public},
		{"VAPID_PRIVATE_KEY": keys.Private},
		{"VAPID_PUBLIC_KEY": other.Public, "VAPID_PRIVATE_KEY": keys.Private},
		{"PUSH_ENDPOINTS_ALLOW": "ftp://x/"},
	} {
		if _, err := app.FromEnv(env(bad)); err == nil {
			t.Errorf("FromEnv(%v) took it", bad)
		}
	}
}
