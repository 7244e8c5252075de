// connection.js tells whoever holds a live page when it has lost the
// server and when it is back, and brings the page up to date once back.
//
// The page is down when its stream drops (htmx's SSE extension reports an
// error) or a request got no answer of ours (no connection, htmx's timeout,
// a 5xx that is not the form again). The bar (#connection, views'
// ConnectionNotice) then says so, and /livez is asked every few seconds;
// the page is back once it answers and the stream, if the page has one, is
// open again. Then the bar says "Back online" for a moment and the document
// gets a "karaoke:online" event (forms.js resends a form that failed).
//
// Streams are made here (htmx.createEventSource, the extension's hook; see
// Stream): one refused with a 502 or the like tries again without the
// extension's long waits, and each new connection names the newest version
// the page has seen, so the server starts it with the current state only
// if the page missed something. When the network comes back, or a phone is
// woken after a while, a stream the browser still thinks open may be dead:
// it is closed and opened again.
(function () {
	"use strict";

	var probeEvery = 2000; // ms between two asks of /livez while down
	var probeTimeout = 3000; // a server that takes connections but never answers
	var backFor = 3000; // how long "Back online" stays
	var longAway = 20000; // hidden for this long, a phone's stream may be dead
	var maxWait = 30000; // the longest wait before a refused stream tries again

	var down = false;
	var probing = null; // the timer of the next probe, or a probe under way
	var failedProbe = false; // the last probe got no answer, or not 200
	var backTimer = null;
	var stream = null; // the page's EventSource
	var seen = 0; // the newest version (event id) the page has
	var dropped = false; // the stream failed while the page was down
	var hiddenAt = 0;

	// show shows the bar's line for state ("offline", "back"), or none.
	function show(state) {
		var bar = document.getElementById("connection");
		if (!bar) {
			return;
		}
		var shown = false;
		bar.querySelectorAll("[data-state]").forEach(function (p) {
			p.hidden = p.getAttribute("data-state") !== state;
			shown = shown || !p.hidden;
		});
		bar.classList.toggle("shown", shown);
	}

	function lost() {
		clearTimeout(backTimer);
		if (!down) {
			down = true;
			show("offline");
		}
		probeSoon(probeEvery);
	}

	function probeSoon(ms) {
		if (probing === null) {
			probing = setTimeout(probe, ms);
		}
	}

	function probe() {
		var ctl = window.AbortController ? new AbortController() : null;
		var timer = setTimeout(function () {
			if (ctl) {
				ctl.abort();
			}
		}, probeTimeout);
		var done = function (ok) {
			clearTimeout(timer);
			probing = null;
			if (ok && failedProbe && stream && stream.timer) {
				stream.reopen(); // the server is back: a refused stream need not wait
			}
			failedProbe = !ok;
			if (ok) {
				back();
			} else if (down) {
				probeSoon(probeEvery);
			}
		};
		fetch("/livez", { cache: "no-store", credentials: "omit", signal: ctl && ctl.signal }).then(
			function (r) {
				done(r.ok);
			},
			function () {
				done(false);
			}
		);
	}

	// back is called when the server answered: the page is back once its
	// stream is open too (htmx:sseOpen probes again).
	function back() {
		if (!down || (stream && stream.readyState !== EventSource.OPEN)) {
			return;
		}
		down = false;
		show("back");
		backTimer = setTimeout(function () {
			show("");
		}, backFor);
		if (!dropped) {
			resync(); // open all along: it may be dead, or have missed something
		}
		dropped = false;
		document.dispatchEvent(new CustomEvent("karaoke:online"));
	}

	// resync closes a stream that may be dead and opens a new one.
	function resync() {
		if (stream && stream.readyState !== EventSource.CLOSED) {
			stream.reopen();
		}
	}

	// withVersion is the stream's URL naming the newest version seen.
	function withVersion(url) {
		if (!seen) {
			return url;
		}
		var u = new URL(url, location.href);
		u.searchParams.set("v", String(seen));
		return u.pathname + u.search;
	}

	// Stream is the EventSource the SSE extension gets: one that never
	// gives up. A browser's EventSource that is answered anything but 200
	// (a proxy's 502 while the server restarts, a 429) is closed for good,
	// and the extension would make a new one only after waits that double
	// up to 64 s. Stream makes the new one itself: after a wait that
	// doubles from probeEvery up to maxWait, or as soon as /livez answers
	// after failing. To the extension it is only ever connecting or open.
	// A network error is left to the browser, which tries again by itself.
	function Stream(url) {
		this.url = url;
		this.listeners = [];
		this.onopen = null;
		this.onerror = null;
		this.readyState = EventSource.CONNECTING;
		this.refusals = 0;
		this.timer = null;
		this.es = null;
		if (document.readyState === "complete") {
			this.connect();
			return;
		}
		// The page's first load opens the stream once it is done: the
		// connection and what it brings are not work the first paint and
		// htmx's start-up wait on (a missed change comes with the stream,
		// which names the version the page has).
		var self = this;
		window.addEventListener("load", function () {
			if (self.readyState !== EventSource.CLOSED && !self.es) {
				self.connect();
			}
		}, { once: true });
	}
	Stream.prototype.connect = function () {
		var self = this;
		var es = new EventSource(withVersion(this.url), { withCredentials: true });
		this.es = es;
		this.listeners.forEach(function (l) {
			es.addEventListener(l[0], l[1]);
		});
		es.onopen = function (e) {
			self.readyState = EventSource.OPEN;
			self.refusals = 0;
			if (self.onopen) {
				self.onopen(e);
			}
		};
		es.onerror = function (e) {
			self.readyState = EventSource.CONNECTING;
			if (es.readyState === EventSource.CLOSED) {
				self.refusals++;
				self.later(Math.min(probeEvery * Math.pow(2, self.refusals - 1), maxWait));
			}
			if (self.onerror) {
				self.onerror(e);
			}
		};
	};
	Stream.prototype.later = function (ms) {
		var self = this;
		clearTimeout(this.timer);
		this.timer = setTimeout(function () {
			self.reopen();
		}, ms);
	};
	// reopen closes the connection and opens a new one at once.
	Stream.prototype.reopen = function () {
		clearTimeout(this.timer);
		this.timer = null;
		if (this.es) {
			this.es.close();
		}
		this.readyState = EventSource.CONNECTING;
		this.connect();
	};
	Stream.prototype.addEventListener = function (type, fn) {
		this.listeners.push([type, fn]);
		if (this.es) {
			this.es.addEventListener(type, fn);
		}
	};
	Stream.prototype.removeEventListener = function (type, fn) {
		this.listeners = this.listeners.filter(function (l) {
			return l[0] !== type || l[1] !== fn;
		});
		if (this.es) {
			this.es.removeEventListener(type, fn);
		}
	};
	Stream.prototype.close = function () {
		clearTimeout(this.timer);
		this.timer = null;
		this.readyState = EventSource.CLOSED;
		if (this.es) {
			this.es.close();
		}
	};

	if (window.htmx && window.EventSource) {
		htmx.createEventSource = function (url) {
			stream = new Stream(url);
			return stream;
		};
	}

	document.addEventListener("htmx:sseBeforeMessage", function (evt) {
		var id = parseInt(evt.detail && evt.detail.lastEventId, 10);
		if (id > seen) {
			seen = id;
		}
	});
	document.addEventListener("htmx:sseError", function () {
		dropped = true;
		lost();
	});
	document.addEventListener("htmx:sseClose", function (evt) {
		if (evt.detail && evt.detail.source === stream) {
			stream = null; // closed for good: the night ended, or the page part went
		}
	});
	document.addEventListener("htmx:sseOpen", function () {
		if (down) {
			clearTimeout(probing);
			probing = null;
			probeSoon(0);
		}
	});

	document.addEventListener("htmx:sendError", lost);
	document.addEventListener("htmx:timeout", lost);
	document.addEventListener("htmx:responseError", function (evt) {
		var xhr = evt.detail.xhr;
		if (xhr && xhr.status >= 500 && !xhr.getResponseHeader("Karaoke-Form")) {
			lost();
		}
	});

	window.addEventListener("offline", lost);
	window.addEventListener("online", function () {
		if (down) {
			clearTimeout(probing);
			probing = null;
			probeSoon(0);
		} else {
			resync();
		}
	});
	document.addEventListener("visibilitychange", function () {
		if (document.hidden) {
			hiddenAt = Date.now();
		} else if (hiddenAt && Date.now() - hiddenAt > longAway) {
			resync();
		}
	});
})();
