// push.js runs the guest page's "Tell me when I'm up" (views/push.templ):
// it shows the button only where this browser can take a Web Push and
// notifications are not blocked, the Home Screen hint on an iPhone's Safari
// (which takes pushes only for a web app added to the Home Screen, and
// gives it cookies of its own: the hint puts a handoff into the page's
// address for it), and nothing elsewhere. A tap asks permission, registers the service worker
// (/sw.js), subscribes and sends the subscription to the server as is.
// Where no push will come to this phone, it buzzes the phone instead when
// the guest becomes next or their turn starts, once for each. It is a file
// of its own because the Content-Security-Policy allows no inline script.
(function () {
	"use strict";

	var offer = document.querySelector('[data-testid="push-offer"]');
	var button = offer && offer.querySelector('[data-testid="push-optin"]');
	var home = offer && offer.querySelector('[data-testid="push-homescreen"]');
	var said = offer && offer.querySelector('[data-testid="push-said"]');
	var off = offer && offer.querySelector('[data-testid="push-off"]');

	// pushedHere: this phone is subscribed, so the server's push tells it
	// of its turn and it need not buzz itself.
	var pushedHere = false;

	function canPush() {
		return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
	}

	// say shows the offer's sentence data-said-<key>, or none.
	function say(key) {
		said.textContent = key ? offer.getAttribute("data-said-" + key) || "" : "";
		said.hidden = !key;
	}

	// on shows that this phone will be told.
	function on(key) {
		pushedHere = true;
		button.hidden = true;
		off.hidden = false;
		say(key);
	}

	// keyBytes decodes the server's base64url VAPID key.
	function keyBytes(b64url) {
		var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
		var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
		var out = new Uint8Array(raw.length);
		for (var i = 0; i < raw.length; i++) {
			out[i] = raw.charCodeAt(i);
		}
		return out;
	}

	// sameKey: sub was made with the server's key (it may have changed,
	// and a subscription for another key cannot be sent to).
	function sameKey(sub, key) {
		var had = sub.options && sub.options.applicationServerKey;
		if (!had) {
			return true; // the browser does not say: assume so
		}
		had = new Uint8Array(had);
		return had.length === key.length && had.every(function (b, i) { return b === key[i]; });
	}

	// post sends the subscription's JSON, as the browser gives it, with
	// the guest's cookie, and returns the answer's status.
	async function post(url, sub) {
		var res = await fetch(url, {
			method: "POST",
			credentials: "same-origin",
			headers: {"Content-Type": "application/json"},
			body: JSON.stringify(sub)
		});
		return res.status;
	}

	// subscription returns this phone's subscription made with key, or null.
	async function subscription(key) {
		var reg = await navigator.serviceWorker.getRegistration("/");
		var sub = reg && await reg.pushManager.getSubscription();
		return sub && sameKey(sub, key) ? sub : null;
	}

	async function optIn() {
		var key = keyBytes(button.getAttribute("data-vapid-key"));
		button.disabled = true;
		say(null);
		try {
			// Asked at once, inside the tap: iOS asks only from one.
			var asked = Notification.requestPermission();
			var registered = navigator.serviceWorker.register("/sw.js", {scope: "/"});
			var permission = await asked;
			if (permission === "denied") {
				button.hidden = true;
				say("blocked");
				return;
			}
			if (permission !== "granted") {
				return; // not now: the button stays
			}
			await registered;
			var reg = await navigator.serviceWorker.ready;
			var sub = await reg.pushManager.getSubscription();
			if (sub && !sameKey(sub, key)) {
				await sub.unsubscribe();
				sub = null;
			}
			try {
				sub = sub || await reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key});
			} catch (e) {
				say("failed");
				return;
			}
			var status;
			try {
				status = await post(button.getAttribute("data-push-subscribe"), sub);
			} catch (e) {
				say("network");
				return;
			}
			if (status === 204) {
				on("on");
			} else {
				say("refused");
			}
		} catch (e) {
			say("failed");
		} finally {
			button.disabled = false;
		}
	}

	async function optOut() {
		off.disabled = true;
		say(null);
		try {
			var sub = await subscription(keyBytes(button.getAttribute("data-vapid-key")));
			if (sub) {
				// The server first: were the phone's unsubscribe to go
				// first and the post fail, the server would keep a
				// subscription the phone no longer has.
				if (await post(button.getAttribute("data-push-unsubscribe"), sub) !== 204) {
					say("refused");
					return;
				}
				await sub.unsubscribe();
			}
			pushedHere = false;
			off.hidden = true;
			button.hidden = false;
			say("off");
		} catch (e) {
			say("network");
		} finally {
			off.disabled = false;
		}
	}

	// alreadyOn shows the offer: "on" when this phone already has a
	// subscription, which it sends to this night's server again (it may
	// have been made at another night, or forgotten); the button if not.
	async function alreadyOn() {
		try {
			var sub = Notification.permission === "granted" &&
				await subscription(keyBytes(button.getAttribute("data-vapid-key")));
			if (sub && await post(button.getAttribute("data-push-subscribe"), sub) === 204) {
				on("already");
			}
		} catch (e) {
			// Not known: the button offers to sign up again.
		}
		offer.hidden = false;
		button.hidden = pushedHere;
	}

	// handOff puts the guest's handoff into the page's address, which Add
	// to Home Screen saves: iOS gives the web app cookies of its own, and
	// the server makes its first launch this guest again (it then sends it
	// to the clean address). Without one, the web app starts at the join
	// form, as it would anyway.
	async function handOff() {
		try {
			var res = await fetch(offer.getAttribute("data-handoff"), {credentials: "same-origin", cache: "no-store"});
			var got = res.ok && await res.json();
			if (got && got.handoff) {
				var here = new URL(location.href);
				here.searchParams.set("handoff", got.handoff);
				history.replaceState(history.state, "", here.href);
			}
		} catch (e) {
			// No handoff: the hint still shows.
		}
	}

	// showNothing gives back the place the page keeps for the offer
	// (app.css), where this phone gets neither the button nor the hint.
	function showNothing() {
		offer.parentNode.classList.add("push-none");
	}

	function setUp() {
		if (!offer) {
			return; // the server sends no pushes, or the night is over
		}
		if (!canPush()) {
			// navigator.standalone exists only on iOS: false in Safari,
			// true in a web app on the Home Screen, where iOS 16.4 and
			// later has PushManager. Over plain http (a server on a
			// laptop) no Home Screen would help: no hint.
			if (navigator.standalone === false && window.isSecureContext) {
				offer.hidden = false;
				home.hidden = false;
				handOff();
				return;
			}
			showNothing();
			return;
		}
		if (Notification.permission === "denied") {
			showNothing();
			return;
		}
		button.addEventListener("click", optIn);
		off.addEventListener("click", optOut);
		alreadyOn();
	}

	// The buzz, where no push comes: once per turn (the banner's
	// data-nudge), remembered for the tab so a reload does not buzz again.
	function seen(key) {
		try {
			if (sessionStorage.getItem(key)) {
				return true;
			}
			sessionStorage.setItem(key, "1");
		} catch (e) {
			// No storage: once per page, by the last key.
			if (seen.last === key) {
				return true;
			}
			seen.last = key;
		}
		return false;
	}

	function nudged(buzz) {
		var banner = document.querySelector("#guest-status [data-nudge]");
		if (!banner || seen("karaoke-nudge " + location.pathname + " " + banner.getAttribute("data-nudge"))) {
			return;
		}
		// A phone that has not been touched refuses to vibrate (and says
		// so in the console): don't ask.
		var touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
		if (buzz && !pushedHere && touched && typeof navigator.vibrate === "function") {
			navigator.vibrate([300, 150, 300]);
		}
	}

	setUp();
	nudged(false); // what the page opened with, the guest sees
	document.addEventListener("htmx:load", function () {
		nudged(true);
	});
})();
