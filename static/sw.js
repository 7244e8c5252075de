// sw.js is the guest's service worker, served at /sw.js so that its scope is
// the whole site. It does one job: show the push the server sends when a
// guest's turn comes ("You're up next at …", package nudge), and open the
// guest's page when the notification is tapped. It caches nothing and
// handles no fetch, so the pages behave exactly as without it.
"use strict";

// fallbackTitle is shown for a push whose payload cannot be read: a push
// must always show something (iOS drops a subscription that stays silent).
var fallbackTitle = "Karaoke night";

self.addEventListener("install", function () {
	self.skipWaiting(); // a new version takes over at once: it holds no state
});

self.addEventListener("activate", function (event) {
	event.waitUntil(self.clients.claim());
});

// message reads the push's JSON: {title, body, url, tag} (nudge.Message).
function message(data) {
	var m = {};
	try {
		m = data ? data.json() : {};
	} catch (e) {
		m = {body: data ? data.text() : ""};
	}
	if (!m || typeof m !== "object") {
		m = {};
	}
	return {
		title: typeof m.title === "string" && m.title ? m.title : fallbackTitle,
		body: typeof m.body === "string" ? m.body : "",
		url: sameSite(m.url),
		tag: typeof m.tag === "string" ? m.tag : ""
	};
}

// sameSite returns the path of url when it is on this site, else "/".
function sameSite(url) {
	if (typeof url !== "string" || url === "") {
		return "/";
	}
	try {
		var u = new URL(url, self.location.origin);
		if (u.origin === self.location.origin) {
			return u.pathname + u.search;
		}
	} catch (e) {
		// not a URL: the home page
	}
	return "/";
}

self.addEventListener("push", function (event) {
	var m = message(event.data);
	var options = {
		body: m.body,
		icon: "/static/icon-192.png",
		data: {url: m.url},
		requireInteraction: true // stays until seen: the guest is getting ready
	};
	if (m.tag) {
		// One notification per night: "your turn" replaces "up next", and
		// still buzzes.
		options.tag = m.tag;
		options.renotify = true;
	}
	// Shown inside waitUntil, or the browser may stop the worker first (and
	// iOS revokes a subscription whose pushes show nothing).
	event.waitUntil(self.registration.showNotification(m.title, options));
});

self.addEventListener("notificationclick", function (event) {
	event.notification.close();
	var url = new URL(sameSite(event.notification.data && event.notification.data.url), self.location.origin);
	event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (windows) {
		for (var i = 0; i < windows.length; i++) {
			var w = windows[i];
			if (new URL(w.url).pathname === url.pathname && "focus" in w) {
				return w.focus();
			}
		}
		return self.clients.openWindow ? self.clients.openWindow(url.href) : undefined;
	}));
});
