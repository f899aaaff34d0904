// A form posted in the background, as the same-origin session, asking for JSON (scenario.js, session-timeout.js).
export const postForm = (form, options = {}) =>
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    ...options,
  });
