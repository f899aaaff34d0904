import { initAll } from "/static/wagtailnhsukfrontend/js/nhsuk-frontend-10.4.2.min.js";

initAll();
// NHS.UK frontend focuses a form's error summary, then a message's banner (templates/includes/messages.html): what
// to fix comes first, so the first error summary on the page takes focus back.
document.querySelector(".nhsuk-error-summary")?.focus();
