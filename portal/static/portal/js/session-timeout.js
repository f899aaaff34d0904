// WCAG 2.2.1 (timing adjustable): two minutes before the session ends for want of activity, say so in a modal dialog
// and let the person stay signed in without leaving the page (templates/includes/session_timeout.html). Escape
// stays signed in too. The end of the session's lifetime ("final") cannot be put off: the dialog says so, once. When
// the time is up, the dialog says they have been signed out and offers to sign in again.
import { postForm } from "./post-form.js";

const WARN_SECONDS = 120;
const FINAL =
  "We will sign you out in 2 minutes because you have been signed in for as long as we allow. " +
  "Submit what you are doing now, then sign in again to carry on.";
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const form = dialog.querySelector("form");
  let timers = [];
  let endIsFinal = false;

  const warn = (final) => {
    if (final) {
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

  // `warned`: the person has seen the warning; a final one is not given twice.
  const schedule = ({ seconds_left: left, final }, warned = false) => {
    timers.forEach(clearTimeout);
    endIsFinal = final;
    timers = [setTimeout(ended, left * 1000)];
    if (!(final && warned)) timers.push(setTimeout(() => warn(final), Math.max(0, left - WARN_SECONDS) * 1000));
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      // Not followed to the sign-in page, where a session that had ended already is sent.
      const response = await postForm(form, { redirect: "manual" });
      if (!response.ok) return ended();
      dialog.close();
      schedule(await response.json(), true);
    } catch {
      ended();
    }
  });

  dialog.addEventListener("cancel", (event) => {
    if (!form.isConnected) return; // signed out already: Escape just closes
    event.preventDefault();
    form.requestSubmit();
  });

  schedule({ seconds_left: Number(dialog.dataset.secondsLeft), final: "final" in dialog.dataset });
}
