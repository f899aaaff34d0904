// WCAG 2.2.1 (timing adjustable): two minutes before the session ends for want of activity, say so in a modal dialog
// and let the person stay signed in without leaving the page (templates/includes/session_timeout.html). Escape
// stays signed in too. The end of the session's lifetime ("final") cannot be put off: the dialog says so, once. When
// the time is up, the dialog says they have been signed out and offers to sign in again.
//
// The session is the browser's, not the tab's: a page opened, or "Stay signed in" pressed, in one tab keeps the
// person signed in in all of them. Each tab tells the others the time the server gave it (a BroadcastChannel, this
// site's tabs only), and a tab told of a later end counts from that instead, closing its warning if it shows one. A
// tab left open behind the one in use does not warn, nor say the person was signed out, while they are working.
import { postForm } from "./post-form.js";

const WARN_SECONDS = 120;
const FINAL =
  "We will sign you out in 2 minutes because you have been signed in for as long as we allow. " +
  "Submit what you are doing now, then sign in again to carry on.";
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const form = dialog.querySelector("form");
  const tabs = "BroadcastChannel" in window ? new BroadcastChannel("portal-session") : null;
  let timers = [];
  let endIsFinal = false;
  let endsAt = 0; // when this tab expects the session to end (ms, the page's clock)
  let finalWarned = false; // the end of the session's lifetime is told once

  const warn = (final) => {
    if (final) {
      finalWarned = true;
      dialog.querySelector("#session-timeout-text").textContent = FINAL;
      form.querySelector("button").textContent = "Continue";
    }
    if (!dialog.open) dialog.showModal();
  };

  const ended = () => {
    dialog.querySelector("#session-timeout-title").textContent = "You have been signed out";
    dialog.querySelector("#session-timeout-text").textContent = endIsFinal
      ? "You were signed out because you had been signed in for as long as we allow. Sign in again to carry on."
      : "You were signed out because you had not done anything for a while. Sign in again to carry on.";
    const link = Object.assign(document.createElement("a"), {
      className: "nhsuk-button nhsuk-u-margin-bottom-0",
      href: dialog.dataset.signInUrl,
      textContent: "Sign in again",
    });
    form.replaceWith(link);
    if (!dialog.open) dialog.showModal();
    link.focus();
  };

  const schedule = ({ seconds_left: left, final }) => {
    timers.forEach(clearTimeout);
    endIsFinal = final;
    endsAt = Date.now() + left * 1000;
    timers = [setTimeout(ended, left * 1000)];
    if (!(final && finalWarned)) timers.push(setTimeout(() => warn(final), Math.max(0, left - WARN_SECONDS) * 1000));
  };

  // What the server said, to this tab and to the others.
  const told = (timeLeft) => {
    schedule(timeLeft);
    tabs?.postMessage({ ...timeLeft, ends_at: endsAt });
  };

  // Another tab was told of a later end: the person is working there.
  tabs?.addEventListener("message", ({ data }) => {
    if (!form.isConnected || !(data.ends_at > endsAt + 1000)) return; // signed out already, or nothing new
    if (dialog.open) dialog.close();
    schedule({ seconds_left: (data.ends_at - Date.now()) / 1000, final: data.final });
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      // Not followed to the sign-in page, where a session that had ended already is sent.
      const response = await postForm(form, { redirect: "manual" });
      if (!response.ok) return ended();
      dialog.close();
      told(await response.json());
    } catch {
      ended();
    }
  });

  dialog.addEventListener("cancel", (event) => {
    if (!form.isConnected) return; // signed out already: Escape just closes
    event.preventDefault();
    form.requestSubmit();
  });

  told({ seconds_left: Number(dialog.dataset.secondsLeft), final: "final" in dialog.dataset });
}
