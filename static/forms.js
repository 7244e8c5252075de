// forms.js tells a guest when a form's request failed and htmx has no answer
// of ours to show: the server is unreachable, took too long (htmx's timeout,
// set in the layout's htmx config), or answered 5xx with something other
// than the form again (a proxy's error page, a crash). The form keeps what
// was typed, a stale "Added …" confirmation goes, and the form's message slot
// says what happened. A 5xx answer that is the form re-rendered with the
// server's own message (marked by the Karaoke-Form header) is swapped in
// like a 422. It is a file of its own because the Content-Security-Policy
// allows no inline script.
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

	// tell puts the message named by the body's data attribute key in the
	// form that sent the failed request.
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
	}

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
