// forms.js tells a guest when a form's request failed and htmx has no answer
// of ours to show: the server is unreachable, took too long (htmx's timeout,
// set in the layout's htmx config), or answered 5xx with something other
// than the form again (a proxy's error page, a crash). The form keeps what
// was typed, a stale "Added …" confirmation goes, and the form's message slot
// says what happened. A 5xx answer that is the form re-rendered with the
// server's own message (marked by the Karaoke-Form header) is swapped in
// like a 422. A form whose request failed gets a "Try again" button, and
// is sent again by itself once the page is back online (connection.js). It
// is a file of its own because the Content-Security-Policy allows no
// inline script.
(function () {
	"use strict";

	// formHeader marks a 5xx answer that is the form again (handlers/render.go).
	var formHeader = "Karaoke-Form";

	document.addEventListener("htmx:beforeSwap", function (evt) {
		var xhr = evt.detail.xhr;
		if (xhr && xhr.status >= 500 && xhr.getResponseHeader(formHeader)) {
			evt.detail.shouldSwap = true;
			evt.detail.isError = false; // the form says what happened
		}
	});

	// failed holds the forms whose request got no answer of ours, each with
	// the button that sent it, to be sent again once the page is back
	// (connection.js's "karaoke:online").
	var failed = [];

	// tell puts the message named by the body's data attribute key in the
	// form that sent the failed request, and a "Try again" button beside it
	// that sends the same form again: with the same one-time key, so a
	// request that did arrive is not made twice.
	function tell(evt, key) {
		var elt = evt.detail && evt.detail.elt;
		if (!elt || !elt.isConnected) {
			return; // an answer replaced the form: it says what happened
		}
		var form = elt.closest("form");
		if (!form) {
			return;
		}
		form.querySelectorAll('[data-testid="request-added"]').forEach(function (n) {
			n.remove();
		});
		var slot = form.querySelector('[data-testid="form-error"]');
		if (!slot) {
			// Where the form's own message would be: before its first field.
			slot = document.createElement("p");
			slot.className = "form-error";
			slot.setAttribute("role", "alert");
			slot.setAttribute("data-testid", "form-error");
			var first = form.querySelector("label") || form.querySelector("button");
			form.insertBefore(slot, first && first.parentNode === form ? first : form.firstChild);
		}
		slot.textContent = document.body.getAttribute(key) || "That didn't go through. Please try again.";
		var cfg = evt.detail.requestConfig;
		var submitter = cfg && cfg.triggeringEvent && cfg.triggeringEvent.submitter;
		if (!failed.some(function (f) { return f.form === form; })) {
			failed.push({ form: form, submitter: submitter });
		}
		var again = form.querySelector('[data-testid="try-again"]');
		if (!again) {
			again = document.createElement("button");
			again.type = "button";
			again.className = "try-again";
			again.setAttribute("data-testid", "try-again");
			again.textContent = document.body.getAttribute("data-retry") || "Try again";
			again.addEventListener("click", function () {
				resend(form, submitter);
			});
			slot.parentNode.insertBefore(again, slot.nextSibling);
		}
	}

	// resend sends form again as it was sent: by its button (htmx takes a
	// button's name and value from the click), with what is in it now.
	function resend(form, submitter) {
		failed = failed.filter(function (f) {
			return f.form !== form;
		});
		var again = form.querySelector('[data-testid="try-again"]');
		if (again) {
			again.remove();
		}
		if (submitter && submitter.isConnected && submitter.form === form && !submitter.disabled) {
			submitter.click();
		} else if (form.requestSubmit) {
			form.requestSubmit();
		}
	}

	// Once back online, a form that carries a one-time key (views.RetapField)
	// is sent again by itself, once: safe, since the server acts on a key
	// once. A form without a key, or one that failed again, waits for its
	// "Try again". A form an answer replaced is a new element.
	document.addEventListener("karaoke:online", function () {
		failed = failed.filter(function (f) {
			return f.form.isConnected;
		});
		failed.slice().forEach(function (f) {
			if (f.form.karaokeResent || !f.form.querySelector('input[name="retap"]')) {
				return;
			}
			f.form.karaokeResent = true;
			resend(f.form, f.submitter);
		});
	});

	document.addEventListener("htmx:responseError", function (evt) {
		var xhr = evt.detail.xhr;
		if (xhr && xhr.status >= 500) {
			tell(evt, "data-fail-server");
		}
	});
	document.addEventListener("htmx:sendError", function (evt) {
		tell(evt, "data-fail-network");
	});
	document.addEventListener("htmx:timeout", function (evt) {
		tell(evt, "data-fail-network");
	});
})();
