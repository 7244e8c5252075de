// tv.js keeps a TV page current where htmx cannot run: an old smart TV's
// browser, whose engine cannot parse htmx (ES2015 and later), or one
// without EventSource, which the live stream needs. It is written for such
// a browser: ES5 only (no arrow functions, let, fetch or Promise), with
// XMLHttpRequest. The layout loads it deferred after htmx, so by the time
// it runs htmx has defined itself wherever it can run.
//
// The body's data-poll names a URL that answers "<key> <version>" (see
// views.Poll). A changed key means the page is another one now (the TV was
// paired or unpaired, its code renewed): reload. A changed version, where
// htmx does not run, means the night moved on: the body is swapped for the
// page's new one, with no reload and so no blank screen. Where htmx runs,
// the stream keeps the page current, and the poll runs only if the page
// asks for it always (a TV's pairing is on no stream). An answer that does
// not come (the server restarting) changes nothing; the next poll tries
// again. A browser without JavaScript follows the page's <noscript>
// refresh instead.
(function () {
	"use strict";

	var body = document.body;
	var url = body && body.getAttribute("data-poll");
	if (!url || !window.XMLHttpRequest) {
		return;
	}
	var key = body.getAttribute("data-poll-key");
	var version = body.getAttribute("data-poll-version");
	var every = parseInt(body.getAttribute("data-poll-every"), 10) || 2000;
	var always = body.getAttribute("data-poll-always") === "true";
	var htmxRuns = typeof window.htmx !== "undefined" && typeof window.EventSource !== "undefined";
	if (htmxRuns && !always) {
		return;
	}
	body.setAttribute("data-poll-mode", htmxRuns ? "pairing" : "page");

	var busy = false;

	// get calls done with the text of a 200 answer to u, or null.
	function get(u, done) {
		var x = new XMLHttpRequest();
		x.open("GET", u, true);
		x.onreadystatechange = function () {
			if (x.readyState === 4) {
				done(x.status === 200 ? x.responseText : null);
			}
		};
		x.send(null);
	}

	// swap puts the body of the page as it is now in place of the body.
	function swap(done) {
		get(location.href, function (html) {
			var open = html === null ? -1 : html.indexOf("<body");
			var start = open < 0 ? -1 : html.indexOf(">", open) + 1;
			var end = html === null ? -1 : html.lastIndexOf("</body>");
			if (start <= 0 || end < start) {
				done();
				return;
			}
			var tag = html.substring(open, start);
			var v = /data-poll-version="([^"]*)"/.exec(tag);
			var k = /data-poll-key="([^"]*)"/.exec(tag);
			if (k && k[1] !== key) {
				location.reload();
				return;
			}
			body.innerHTML = html.substring(start, end);
			if (v) {
				version = v[1];
			}
			done();
		});
	}

	function poll() {
		if (busy) {
			return;
		}
		busy = true;
		get(url, function (text) {
			busy = false;
			if (text === null) {
				return;
			}
			var parts = text.split(" ");
			if (parts[0] !== key) {
				busy = true;
				location.reload();
				return;
			}
			if (!htmxRuns && parts[1] !== version) {
				busy = true;
				swap(function () {
					busy = false;
				});
			}
		});
	}

	setInterval(poll, every);
})();
