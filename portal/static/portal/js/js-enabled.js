// Runs first thing in <body>: marks the page as scripted so NHS.UK frontend components enhance it.
document.documentElement.classList.replace("no-js", "js-enabled");
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("nhsuk-frontend-supported");
}
