// dashboard.js puts the host's queue together from the live stream without
// moving anything under the host's finger. The stream sends each queue row
// on its own (only when that request changed) and the order as a list of
// request ids; this script replaces a changed row in place, drops the rows
// the order no longer names and moves the rest into order. While a row's
// menu is open, nothing in the queue changes or moves: what arrives waits
// until the menu closes (sending one of its actions closes it). Places are
// a CSS counter, so a song added ahead of others changes no row. A new
// stream starts with every row and the order, so a reconnect resyncs.
// A row carries only its line and a link to its menu: opening the row
// fetches the menu (its details and controls, with keys of the row's state
// now) in place of the link, and moves focus into it; Escape closes it. A
// row that changes while its menu is open has its menu fetched again, so
// an open menu is never stale. Without this script (or without
// JavaScript) the row's link opens the menu as a page.
(function () {
	"use strict";

	var pendingRows = {}; // request id -> a changed row held while a menu is open
	var pendingOrder = null; // the newest order held while a menu is open
	var loose = {}; // request id -> a new row not yet placed by an order

	function queue() {
		return document.getElementById("host-queue");
	}

	// held reports whether a row's menu is open, so the queue must keep still.
	function held(q) {
		return q.querySelector("li > details[open]") !== null;
	}

	function parseRow(html) {
		var t = document.createElement("template");
		t.innerHTML = html.trim();
		var li = t.content.firstElementChild;
		return li && li.getAttribute("data-id") ? li : null;
	}

	function applyRow(q, li) {
		var id = li.getAttribute("data-id");
		var old = document.getElementById(li.id);
		if (!old || old.parentNode !== q) {
			loose[id] = li; // the order that follows places it
			return;
		}
		var focused = old.contains(document.activeElement);
		old.parentNode.replaceChild(li, old);
		htmx.process(li);
		if (focused) {
			li.querySelector("summary").focus({ preventScroll: true });
		}
	}

	function applyOrder(q, text) {
		var ids = text.trim() === "" ? [] : text.trim().split(/\s+/);
		var wanted = {};
		ids.forEach(function (id) {
			wanted[id] = true;
		});
		Array.prototype.slice.call(q.children).forEach(function (li) {
			if (!wanted[li.getAttribute("data-id")]) {
				q.removeChild(li);
			}
		});
		var cursor = q.firstElementChild;
		ids.forEach(function (id) {
			var li = document.getElementById("request-" + id);
			if (!li || li.parentNode !== q) {
				li = loose[id];
				delete loose[id];
				if (!li) {
					return; // never sent: the next full state brings it
				}
				q.insertBefore(li, cursor);
				htmx.process(li);
				return;
			}
			if (li === cursor) {
				cursor = cursor.nextElementSibling;
				return;
			}
			q.insertBefore(li, cursor);
		});
		loose = {};
	}

	// flush applies what waited for a menu to close.
	function flush() {
		var q = queue();
		if (!q || held(q)) {
			return;
		}
		var rows = pendingRows;
		pendingRows = {};
		Object.keys(rows).forEach(function (id) {
			applyRow(q, rows[id]);
		});
		if (pendingOrder !== null) {
			var order = pendingOrder;
			pendingOrder = null;
			applyOrder(q, order);
		}
	}

	document.addEventListener("htmx:sseBeforeMessage", function (evt) {
		var q = queue();
		if (!q || evt.target !== q) {
			return;
		}
		evt.preventDefault(); // placed here, not swapped by htmx
		var msg = evt.detail;
		if (msg.type === q.getAttribute("data-row-event")) {
			var li = parseRow(msg.data);
			if (!li) {
				return;
			}
			if (held(q)) {
				pendingRows[li.getAttribute("data-id")] = li;
				var open = q.querySelector("#" + li.id + " > details[open]");
				if (open) {
					loadMenu(open, false);
				}
			} else {
				applyRow(q, li);
			}
		} else if (msg.type === q.getAttribute("data-order-event")) {
			if (held(q)) {
				pendingOrder = msg.data;
			} else {
				applyOrder(q, msg.data);
			}
		}
	});

	// loadMenu fetches a row's menu into its open details, in place of the
	// link or of the menu it had; focus follows into the menu when asked.
	function loadMenu(details, focus) {
		var old = details.querySelector(":scope > .row-menu");
		var url = details.getAttribute("data-menu");
		if (!url) {
			url = old.getAttribute("href");
			details.setAttribute("data-menu", url);
		}
		var had = focus || old.contains(document.activeElement);
		htmx.ajax("GET", url, { source: details, target: old, swap: "outerHTML" }).then(function () {
			var menu = details.querySelector(":scope > .row-menu");
			if (had && details.open && menu && menu !== old) {
				menu.focus({ preventScroll: true });
			}
		});
	}

	// toggle does not bubble: listen in the capture phase for every menu.
	document.addEventListener(
		"toggle",
		function (evt) {
			var d = evt.target;
			if (!d.open) {
				flush();
				return;
			}
			var q = queue();
			if (q && d.classList.contains("row") && d.parentNode.parentNode === q) {
				loadMenu(d, true);
			}
		},
		true
	);

	// Escape closes the innermost open menu or confirm step and gives focus
	// back to its summary.
	document.addEventListener("keydown", function (evt) {
		var q = queue();
		if (evt.key !== "Escape" || !q || !q.contains(document.activeElement)) {
			return;
		}
		var d = document.activeElement.closest("details[open]");
		if (!d) {
			return;
		}
		d.open = false;
		d.querySelector(":scope > summary").focus({ preventScroll: true });
		evt.preventDefault();
	});

	// An action sent from a row's menu closes the menu, so the queue shows
	// what it did (the request goes by the row's id, in the form's URL).
	document.addEventListener(
		"submit",
		function (evt) {
			var q = queue();
			if (!q || !q.contains(evt.target)) {
				return;
			}
			var li = evt.target.closest("li");
			li.querySelectorAll("details[open]").forEach(function (d) {
				d.open = false;
			});
		},
		true
	);
})();
